using System;
using System.CommandLine;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Artwork;
using Provenance.Device;
using Provenance.IO;

namespace Provenance.Cli.Commands;

/// <summary>
/// `prov c2patool-signer`: the token as c2patool's <c>--signer-path</c> (c2pa-rs cli, subprocess signer). c2patool
/// starts it once per signature with <c>--reserve-size N --alg ALG</c> (older releases add <c>--sign-cert PATH</c>),
/// writes the bytes to be signed (the COSE Sig_structure it built) to stdin and reads the raw signature (r‖s for
/// ES256) from stdout; newer c2patool first asks <c>--signer-info</c> for the algorithm and certificate chain.
/// <c>--export-cert PATH</c> writes the chain for the manifest definition's <c>sign_cert</c>. Errors: one line on
/// stderr and a non-zero exit, nothing on stdout.
/// </summary>
public sealed class C2patoolSignerCommand : Command
{
    /// <summary>Reserve c2patool should keep for the COSE signature: x5chain (two certificates, under 2 KB) plus slack.</summary>
    public const int SuggestedReserveSize = 10_000;

    /// <summary>Builds the verb.</summary>
    public C2patoolSignerCommand()
        : base("c2patool-signer", "Sign for c2patool (--signer-path): bytes on stdin, raw ES256 signature on stdout. "
            + "The token cannot bind its counter into another tool's claim, so a revocation from counter N covers these signatures.")
    {
        var reserveSize = new Option<int?>("--reserve-size") { Description = "Bytes c2patool reserved for the signature (passed by c2patool; checked only for sanity).", HelpName = "N" };
        reserveSize.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1) r.AddError("--reserve-size must be a positive number of bytes");
        });
        var alg = new Option<string?>("--alg") { Description = "Signing algorithm c2patool asks for; the token has only es256.", HelpName = "ALG" };
        alg.Validators.Add(r =>
        {
            string? value = r.GetValueOrDefault<string?>();
            if (value is not null && !string.Equals(value, ExternalToolSigner.Algorithm, StringComparison.OrdinalIgnoreCase))
                r.AddError($"--alg {value}: the token signs with ECDSA P-256 only; set \"alg\": \"es256\" in the manifest definition");
        });
        var signCert = new Option<FileInfo?>("--sign-cert") { Description = "The certificate chain (PEM) c2patool puts in the manifest; must be this token's.", HelpName = "PATH" };
        var exportCert = new Option<FileInfo?>("--export-cert") { Description = "Write the token's certificate chain (PEM, leaf first) for the manifest definition's sign_cert, then exit.", HelpName = "PATH" };
        var force = new Option<bool>("--force") { Description = "With --export-cert: replace the file if it exists." };
        var signerInfo = new Option<bool>("--signer-info") { Description = "Print {alg, sign_cert, reserve_size} as JSON (newer c2patool asks this first), then exit." };
        var device = DeviceSession.CreateDeviceOption();
        Add(reserveSize);
        Add(alg);
        Add(signCert);
        Add(exportCert);
        Add(force);
        Add(signerInfo);
        Add(device);

        SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse, cancellationToken, async (output, ct) =>
        {
            TextWriter error = parse.InvocationConfiguration.Error;
            FileInfo? export = parse.GetValue(exportCert);
            bool info = parse.GetValue(signerInfo);
            if (export is not null && info) throw new ArgumentException("--export-cert and --signer-info are separate uses; give one");

            // Not the sign path: stdin stays unread, so an export can run from a terminal.
            byte[]? toBeSigned = export is null && !info ? ReadToBeSigned() : null;

            await using DeviceSession session = await DeviceSession.OpenAsync(parse.GetValue(device), error, ct);
            TokenStatus status = await session.Token.GetStatusAsync(ct);
            if (status.PinSet && !status.PinVerified && !status.Locked)
            {
                // stdin carries the bytes to sign, so there is no way to ask; a PIN on the command line would be visible to every user.
                throw new ArgumentException($"token {status.Serial} has a PIN, and c2patool-signer cannot ask for it (stdin carries the bytes to sign); sign with 'prov sign', or remove the PIN with 'prov device pin'");
            }
            X509Certificate2Collection chain = await ExternalToolSigner.ChainAsync(session.Token, new ArtworkSignOptions(), session.Presence, ct);

            if (export is not null)
            {
                AtomicFile.WriteText(export.FullName, ExternalToolSigner.ChainPem(chain), overwrite: parse.GetValue(force));
                await error.WriteLineAsync($"wrote the certificate chain of token {status.Serial} ({chain[0].Subject}) to {export.FullName}; name it as \"sign_cert\" with \"alg\": \"es256\" in the manifest definition");
                return ExitCodes.Success;
            }
            if (info)
            {
                var json = new JsonObject
                {
                    ["alg"] = ExternalToolSigner.Algorithm,
                    ["sign_cert"] = ExternalToolSigner.ChainPem(chain),
                    ["reserve_size"] = SuggestedReserveSize,
                };
                await output.WriteAsync(json.ToJsonString());
                await output.FlushAsync(ct);
                return ExitCodes.Success;
            }

            X509Certificate2? given = parse.GetValue(signCert) is { } certPath ? ReadLeaf(certPath) : null;
            ExternalSignature signature = await ExternalToolSigner.SignAsync(session.Token, toBeSigned!, chain, given, session.Presence, ct);
            // Issue 15: said every time, because the artist's revocation from counter N treats this signature as after it.
            await error.WriteLineAsync($"note: signed for another C2PA tool with token {signature.TokenSerial}, signature #{signature.Counter}; "
                + "its claim does not carry the token's counter binding, so verifiers count it as made after any revocation of this token");
            await using Stream stdout = Console.OpenStandardOutput();
            await stdout.WriteAsync(signature.Signature, ct);
            await stdout.FlushAsync(ct);
            return ExitCodes.Success;
        }));
    }

    /// <summary>All of stdin, refused past what the token takes (bounded: never buffers an endless pipe).</summary>
    private static byte[] ReadToBeSigned()
    {
        using Stream stdin = Console.OpenStandardInput();
        byte[] buffer = new byte[ExternalToolSigner.MaxToBeSigned + 1];
        int length = stdin.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (length == 0) throw new ArgumentException("nothing to sign: stdin was empty (c2patool writes the bytes to be signed there)");
        if (length > ExternalToolSigner.MaxToBeSigned)
            throw new ArgumentException($"more than {ExternalToolSigner.MaxToBeSigned} bytes on stdin: the token signs at most that many at a time");
        return buffer.AsSpan(0, length).ToArray();
    }

    /// <summary>The first certificate of a PEM file (c2patool's sign_cert lists the leaf first).</summary>
    private static X509Certificate2 ReadLeaf(FileInfo path)
    {
        if (!path.Exists) throw new FileNotFoundException($"--sign-cert {path.FullName} does not exist", path.FullName);
        if (path.Length > 1 << 20) throw new ArgumentException($"--sign-cert {path.FullName} is over 1 MB; a certificate chain is a few KB");
        try
        {
            return X509Certificate2.CreateFromPem(File.ReadAllText(path.FullName));
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new ArgumentException($"--sign-cert {path.FullName} holds no PEM certificate: {e.Message}");
        }
    }
}
