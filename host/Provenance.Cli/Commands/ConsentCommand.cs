using System;
using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Provenance.Consent;

namespace Provenance.Cli.Commands;

/// <summary>`prov consent set|show`: the artist's standing AI-training and data-mining choices.</summary>
public sealed class ConsentCommand : Command
{
    public ConsentCommand()
        : base("consent", "Set or show the consent claims and signing defaults (source type, time-stamp authority) used for every signed file.")
    {
        Subcommands.Add(CreateSet());
        Subcommands.Add(CreateShow());
    }

    private static Command CreateSet()
    {
        var options = new (ConsentUse Use, Option<string?> Option)[]
        {
            (ConsentUse.AiTraining, PermissionOption("--ai-training", "Training of AI/ML models")),
            (ConsentUse.AiGenerativeTraining, PermissionOption("--ai-generative-training", "Training of generative AI models")),
            (ConsentUse.DataMining, PermissionOption("--data-mining", "Text and data mining")),
            (ConsentUse.AiInference, PermissionOption("--ai-inference", "Use as input to AI inference")),
        };
        var constraint = new Option<string?>("--constraint-info") { Description = "Conditions for every use set to 'constrained' (e.g. a licence URL)." };
        var source = new Option<string?>("--source") { Description = "Default for 'prov sign/watch --source': camera, scan or tablet (your declaration of what your files are)." };
        source.AcceptOnlyFromAmong("camera", "scan", "tablet");
        var tsa = new Option<string?>("--tsa") { Description = "Default RFC 3161 time-stamp authority URL for every signature; 'none' removes it." };
        tsa.Validators.Add(r =>
        {
            string? value = r.GetValueOrDefault<string?>();
            if (value is null || value == "none") return;
            try { SigningDefaults.ParseTimeStampAuthority(value, "--tsa"); }
            catch (ArgumentException e) { r.AddError(e.Message); }
        });
        var command = new Command("set", "Choose allowed, notAllowed or constrained for each use, and the signing defaults; what is not given keeps its value.");
        foreach (var (_, option) in options) command.Options.Add(option);
        command.Options.Add(constraint);
        command.Options.Add(source);
        command.Options.Add(tsa);
        command.SetAction(parse =>
        {
            if (parse.GetValue(source) is not null || parse.GetValue(tsa) is not null)
            {
                SigningDefaults defaults = ConsentStore.LoadDefaults();
                if (parse.GetValue(source) is { } s) defaults = defaults with { Source = SigningDefaults.ParseSource(s, "--source") };
                if (parse.GetValue(tsa) is { } t) defaults = defaults with { TimeStampAuthority = t == "none" ? null : SigningDefaults.ParseTimeStampAuthority(t, "--tsa") };
                ConsentStore.SaveDefaults(defaults);
            }
            ConsentClaims claims = ConsentStore.Load();
            foreach (var (use, option) in options)
            {
                string? value = parse.GetValue(option);
                if (value is null) continue;
                ConsentPermission permission = ConsentStore.ParsePermission(value, option.Name);
                claims.Set(use, permission, permission == ConsentPermission.Constrained ? parse.GetValue(constraint) : null);
            }
            ConsentStore.Save(claims);
            Print(claims, json: false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateShow()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("show", "Show the consent claims that signing will write.") { json };
        command.SetAction(parse =>
        {
            Print(ConsentStore.Load(), parse.GetValue(json));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Option<string?> PermissionOption(string name, string what)
    {
        var option = new Option<string?>(name) { Description = $"{what}: allowed, notAllowed or constrained." };
        option.AcceptOnlyFromAmong("allowed", "notAllowed", "constrained");
        return option;
    }

    private static void Print(ConsentClaims claims, bool json)
    {
        Print(claims, ConsentStore.LoadDefaults(), json);
    }

    private static void Print(ConsentClaims claims, SigningDefaults defaults, bool json)
    {
        if (json)
        {
            var root = new JsonObject { ["version"] = 1 };
            foreach (ConsentUse use in Enum.GetValues<ConsentUse>())
            {
                var entry = new JsonObject { ["use"] = ConsentClaims.PermissionName(claims[use]) };
                if (claims.ConstraintInfo(use) is { } info) entry["constraint_info"] = info;
                root[ConsentClaims.EntryName(use)] = entry;
            }
            root["defaults"] = new JsonObject
            {
                ["source"] = defaults.Source is { } s ? SigningDefaults.SourceName(s) : null,
                ["tsa"] = defaults.TimeStampAuthority?.ToString(),
            };
            Console.WriteLine(root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return;
        }
        foreach (ConsentUse use in Enum.GetValues<ConsentUse>())
        {
            string info = claims.ConstraintInfo(use) is { } text ? $" ({text})" : "";
            Console.WriteLine($"{ConsentClaims.EntryName(use),-28} {ConsentClaims.PermissionName(claims[use])}{info}");
        }
        Console.WriteLine($"{"default source",-28} {(defaults.Source is { } source ? SignCommand.SourceWords(source) : "none (prov sign asks for --source)")}");
        Console.WriteLine($"{"default time-stamp authority",-28} {defaults.TimeStampAuthority?.ToString() ?? "none"}");
    }
}
