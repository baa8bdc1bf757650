using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Provenance.Fingerprint;
using Provenance.Registry;
using Provenance.Verification;

namespace Provenance.Cli.Commands;

/// <summary>`prov registry add|find`: the local soft-binding registry (SQLite) that finds credentials by fingerprint.</summary>
public sealed class RegistryCommand : Command
{
    public RegistryCommand()
        : base("registry", "Register signed works by their ISCC Image-Code and find them again from a stripped or re-encoded copy.")
    {
        var database = new Option<FileInfo?>("--db") { Description = "The registry database (default: registry.db in prov's home folder).", Recursive = true };
        var postgres = new Option<string?>("--postgres")
        {
            Description = "Use this PostgreSQL database instead of SQLite (an Npgsql connection string, e.g. \"Host=db;Database=registry;Username=prov\"; PostgreSQL 14+).",
            Recursive = true,
        };
        Add(database);
        Add(postgres);
        Add(new RegistryAddCommand(database, postgres));
        Add(new RegistryFindCommand(database, postgres));
        Add(new RegistryServeCommand(database, postgres));
        Add(new RegistryMatchCommand(database, postgres));
    }
}

/// <summary>`prov registry add FILE...`.</summary>
public sealed class RegistryAddCommand : Command
{
    public RegistryAddCommand(Option<FileInfo?> database, Option<string?> postgres)
        : base("add", "Add signed files (their manifest store and ISCC Image-Code) to the registry.")
    {
        var files = new Argument<FileInfo[]>("FILE") { Description = "Signed images.", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        Add(files);
        Add(json);

        SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(parseResult, cancellationToken, (output, _) =>
        {
            var added = new List<(string File, RegistryEntry Entry)>();
            using ISoftBindingStore registry = SoftBindingStores.Open(parseResult.GetValue(database)?.FullName, parseResult.GetValue(postgres));
            foreach (FileInfo file in parseResult.GetRequiredValue(files))
            {
                if (!file.Exists) throw new FileNotFoundException("no such file: " + file.FullName);
                RegistryEntry entry = RegistryEntry.FromSignedFile(file.FullName);
                registry.Add(entry.ManifestId, entry.Code, entry.Store, file.Name);
                added.Add((file.FullName, entry));
            }
            if (parseResult.GetValue(json))
            {
                var list = new JsonArray();
                foreach (var a in added)
                    list.Add((JsonNode)new JsonObject { ["file"] = a.File, ["manifest"] = a.Entry.ManifestId, ["code"] = a.Entry.Code.ToString(), ["codeFrom"] = a.Entry.CodeFromManifest ? "manifest" : "pixels" });
                var model = new JsonObject { ["version"] = 1, ["registry"] = registry.Location, ["added"] = list };
                output.WriteLine(model.ToJsonString(JsonOutput.Options));
            }
            else
            {
                foreach ((string file, RegistryEntry entry) in added)
                    output.WriteLine($"{Path.GetFileName(file)}  {entry.Code}  {entry.ManifestId}");
            }
            return Task.FromResult(ExitCodes.Success);
        }));
    }
}

/// <summary>`prov registry find FILE [--max-distance N]`: exit 0 when some registered work matches, 1 when none does.</summary>
public sealed class RegistryFindCommand : Command
{
    public RegistryFindCommand(Option<FileInfo?> database, Option<string?> postgres)
        : base("find", "Find registered works whose ISCC Image-Code is within a Hamming distance of an image's.")
    {
        var file = new Argument<FileInfo>("FILE") { Description = "An image, with or without credentials." };
        var maxDistance = new Option<int>("--max-distance")
        {
            Description = "Most differing bits (of 64) that still count as a match.",
            DefaultValueFactory = _ => SoftBindingRegistry.DefaultMaxDistance,
        };
        maxDistance.Validators.Add(result =>
        {
            int value = result.GetValueOrDefault<int>();
            if (value is < 0 or > 64) result.AddError("--max-distance must be 0 to 64");
        });
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        Add(file);
        Add(maxDistance);
        Add(json);

        SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(parseResult, cancellationToken, (output, _) =>
        {
            FileInfo path = parseResult.GetRequiredValue(file);
            if (!path.Exists) throw new FileNotFoundException("no such file: " + path.FullName);
            IsccImageCode code = (ImageDecoder.TryDecodeFile(path.FullName)
                ?? throw new InvalidDataException(path.Name + " is not an image prov can decode")).Code();
            using ISoftBindingStore registry = SoftBindingStores.Open(parseResult.GetValue(database)?.FullName, parseResult.GetValue(postgres));
            IReadOnlyList<RegistryMatch> matches = registry.Find(code, parseResult.GetValue(maxDistance));
            if (parseResult.GetValue(json))
            {
                var list = new JsonArray();
                foreach (RegistryMatch m in matches)
                    list.Add((JsonNode)new JsonObject { ["manifest"] = m.ManifestId, ["code"] = m.Code.ToString(), ["distance"] = m.Distance, ["similarity"] = m.Similarity, ["registeredFrom"] = m.Title });
                var model = new JsonObject { ["version"] = 1, ["file"] = path.FullName, ["code"] = code.ToString(), ["matches"] = list };
                output.WriteLine(model.ToJsonString(JsonOutput.Options));
            }
            else if (matches.Count == 0)
            {
                output.WriteLine($"{path.Name}  {code}  no registered work within {parseResult.GetValue(maxDistance)} bits");
            }
            else
            {
                foreach (RegistryMatch match in matches)
                    output.WriteLine($"{path.Name}  matches {match.ManifestId} ({match.Title})  distance {match.Distance}, similarity {match.Similarity:0.00}");
            }
            return Task.FromResult(matches.Count > 0 ? ExitCodes.Success : ExitCodes.Failed);
        }));
    }
}

/// <summary>`prov registry serve`: the C2PA soft-binding resolution API over the registry (Serve/RegistryServer.cs).</summary>
public sealed class RegistryServeCommand : Command
{
    public RegistryServeCommand(Option<FileInfo?> database, Option<string?> postgres)
        : base("serve", "Serve the C2PA soft-binding resolution API over this registry (listens on this computer only: 127.0.0.1 and localhost).")
    {
        var port = new Option<int>("--port") { Description = "TCP port on 127.0.0.1 and localhost.", DefaultValueFactory = _ => 8421 };
        port.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 65535) r.AddError("--port must be 1..65535"); });
        var maxDistance = new Option<int>("--max-distance")
        {
            Description = "Most differing bits (of 64) that still count as a match, unless a query asks for fewer or more (maxDistance).",
            DefaultValueFactory = _ => SoftBindingRegistry.DefaultMaxDistance,
        };
        maxDistance.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 0 or > 64) r.AddError("--max-distance must be 0 to 64"); });
        Add(port);
        Add(maxDistance);
        SetAction(async (parse, cancellationToken) =>
        {
            using ISoftBindingStore store = SoftBindingStores.Open(parse.GetValue(database)?.FullName, parse.GetValue(postgres));
            var server = new Serve.RegistryServer(parse.GetValue(port), store, parse.GetValue(maxDistance), TimeSpan.FromSeconds(60), Console.Error);
            await server.RunAsync(cancellationToken);
            return ExitCodes.Success;
        });
    }
}

/// <summary>
/// `prov registry match FOLDER`: a gallery's duplicate check. Lists the submissions whose picture matches a work the
/// registry holds from another artist (or that carry no credentials at all while matching a registered work); exit 1
/// when any does.
/// </summary>
public sealed class RegistryMatchCommand : Command
{
    public RegistryMatchCommand(Option<FileInfo?> database, Option<string?> postgres)
        : base("match", "List submissions in a folder that match works registered by another artist.")
    {
        var folder = new Argument<DirectoryInfo>("FOLDER") { Description = "The submissions." };
        var maxDistance = new Option<int>("--max-distance") { Description = "Most differing bits (of 64) that still count as a match.", DefaultValueFactory = _ => SoftBindingRegistry.DefaultMaxDistance };
        maxDistance.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 0 or > 64) r.AddError("--max-distance must be 0 to 64"); });
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        Add(folder);
        Add(maxDistance);
        Add(json);
        SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse, cancellationToken, (output, _) =>
        {
            DirectoryInfo where = parse.GetRequiredValue(folder);
            if (!where.Exists) throw new DirectoryNotFoundException("no such folder: " + where.FullName);
            using ISoftBindingStore registry = SoftBindingStores.Open(parse.GetValue(database)?.FullName, parse.GetValue(postgres));
            var flagged = new JsonArray();
            var lines = new List<string>();
            int checkedImages = 0;
            foreach (string file in VerifyCommand.ExpandPaths([where.FullName]))
            {
                if (ImageDecoder.TryDecodeFile(file) is not { } image) continue;
                checkedImages++;
                IsccImageCode code = image.Code();
                FileVerification submission = Verifier.VerifyFile(file, TrustSettings.None);
                string? submitter = submission.Verdict is Verdict.Valid or Verdict.Trusted ? Artist(submission) : null;
                foreach (RegistryMatch match in registry.Find(code, parse.GetValue(maxDistance)))
                {
                    // The registered work's signer, from its manifest store (its signature checked; its hard binding is the original's).
                    if (registry.ManifestStore(match.ManifestId) is not { } store) continue;
                    FileVerification registered = Verifier.VerifyDetachedStore(store, file, TrustSettings.None);
                    string? owner = Artist(registered);
                    if (submitter is not null && submitter == owner) continue;
                    string ownerName = registered.SignerDisplay ?? owner ?? "an unknown signer";
                    string submitterName = submitter is null ? "no intact credentials" : submission.SignerDisplay ?? submitter;
                    flagged.Add((JsonNode)new JsonObject
                    {
                        ["file"] = file, ["code"] = code.ToString(), ["submittedBy"] = submitter is null ? null : submitterName,
                        ["manifest"] = match.ManifestId, ["registeredBy"] = ownerName, ["registeredFrom"] = match.Title,
                        ["distance"] = match.Distance, ["similarity"] = match.Similarity,
                    });
                    lines.Add($"{Path.GetRelativePath(where.FullName, file)}  ({submitterName}) matches {match.Title ?? match.ManifestId} registered by {ownerName}  distance {match.Distance}, similarity {match.Similarity:0.00}");
                }
            }
            if (parse.GetValue(json))
                output.WriteLine(new JsonObject { ["version"] = 1, ["folder"] = where.FullName, ["registry"] = registry.Location, ["images"] = checkedImages, ["matches"] = flagged }.ToJsonString(JsonOutput.Options));
            else if (lines.Count == 0)
                output.WriteLine($"{checkedImages} images in {where.Name}: none matches a work registered by another artist");
            else
                foreach (string line in lines) output.WriteLine(line);
            return Task.FromResult(lines.Count == 0 ? ExitCodes.Success : ExitCodes.Failed);
        }));
    }

    /// <summary>
    /// Who a manifest's signature comes from, for telling artists apart: the SHA-256 fingerprint of the top certificate of
    /// its chain (the artist's identity that certified the token), so two tokens of one artist are one artist, and two
    /// artists with the same name are two.
    /// </summary>
    private static string? Artist(FileVerification verification) =>
        verification.Signer is null ? null : verification.ChainFingerprints.Count > 0 ? verification.ChainFingerprints[^1] : verification.SignerDisplay;
}
