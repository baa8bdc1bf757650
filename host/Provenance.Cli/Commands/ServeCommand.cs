using System;
using System.CommandLine;
using Provenance.Cli.Serve;
using Provenance.Verification;

namespace Provenance.Cli.Commands;

/// <summary>
/// `prov serve`: a verification page on this computer (loopback only, answering as 127.0.0.1 and localhost) for
/// galleries that prefer a browser to a terminal: drop files, see one verdict per file. Files are verified with the
/// same verifier and trust store as `prov verify`; they are held in a private temp folder only while being checked.
/// The server itself, and what it refuses, is <see cref="VerificationServer"/>.
/// </summary>
public sealed class ServeCommand : Command
{
    public ServeCommand(VerifyCommand.FileVerifier verify, Func<string?, string?, TrustSettings> loadTrust)
        : base("serve", "Open a verification page in the browser (listens on this computer only: 127.0.0.1 and localhost).")
    {
        var port = new Option<int>("--port") { Description = "TCP port on 127.0.0.1 and localhost.", DefaultValueFactory = _ => 8420 };
        port.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 65535) r.AddError("--port must be 1..65535"); });
        var trustDb = new Option<string?>("--trust") { Description = "Trust store database (default: $PROV_TRUST_DB, else the one in the prov home folder)." };
        var trustList = new Option<string?>("--trust-list") { Description = "Also trust the roots in this PEM file, e.g. the public C2PA trust list (default: $PROV_TRUST_LIST)." };
        var timeout = new Option<int>("--request-timeout")
        {
            Description = "Seconds one request may take, upload and check included; slower ones are cut off.",
            DefaultValueFactory = _ => 120,
        };
        timeout.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 3600) r.AddError("--request-timeout must be 1..3600 seconds"); });
        Add(port);
        Add(trustDb);
        Add(trustList);
        Add(timeout);
        var registry = new Option<string?>("--registry") { Description = "For dropped files with no credentials: ask this soft-binding registry (prov registry serve) for credentials of a matching image." };
        registry.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https")))
                r.AddError("--registry takes the registry's http:// or https:// URL");
        });
        Add(registry);
        SetAction(async (parse, cancellationToken) =>
        {
            TrustSettings trust = loadTrust(parse.GetValue(trustDb), parse.GetValue(trustList));
            using Provenance.Registry.RegistryClient? client = parse.GetValue(registry) is { } url ? new Provenance.Registry.RegistryClient(new Uri(url)) : null;
            var server = new VerificationServer(parse.GetValue(port), TimeSpan.FromSeconds(parse.GetValue(timeout)), verify, trust, Console.Error) { Registry = client };
            await server.RunAsync(cancellationToken);
            return ExitCodes.Success;
        });
    }
}
