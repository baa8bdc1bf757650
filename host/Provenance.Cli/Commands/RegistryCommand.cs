using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Provenance.Fingerprint;
using Provenance.Registry;

namespace Provenance.Cli.Commands;

/// <summary>`prov registry add|find`: the local soft-binding registry (SQLite) that finds credentials by fingerprint.</summary>
public sealed class RegistryCommand : Command
{
    public RegistryCommand()
        : base("registry", "Register signed works by their ISCC Image-Code and find them again from a stripped or re-encoded copy.")
    {
        var database = new Option<FileInfo?>("--db") { Description = "The registry database (default: registry.db in prov's home folder).", Recursive = true };
        Add(database);
        Add(new RegistryAddCommand(database));
        Add(new RegistryFindCommand(database));
    }
}

/// <summary>`prov registry add FILE...`.</summary>
public sealed class RegistryAddCommand : Command
{
    public RegistryAddCommand(Option<FileInfo?> database)
        : base("add", "Add signed files (their manifest store and ISCC Image-Code) to the registry.")
    {
        var files = new Argument<FileInfo[]>("FILE") { Description = "Signed images.", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        Add(files);
        Add(json);

        SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(parseResult, cancellationToken, (output, _) =>
        {
            var added = new List<(string File, RegistryEntry Entry)>();
            using SoftBindingRegistry registry = SoftBindingRegistry.Open(parseResult.GetValue(database)?.FullName);
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
                var model = new JsonObject { ["version"] = 1, ["registry"] = registry.Path, ["added"] = list };
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
    public RegistryFindCommand(Option<FileInfo?> database)
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
            using SoftBindingRegistry registry = SoftBindingRegistry.Open(parseResult.GetValue(database)?.FullName);
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
