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
        : base("consent", "Set or show the consent claims written into every signed file.")
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
        var command = new Command("set", "Choose allowed, notAllowed or constrained for each use; unspecified uses keep their value.");
        foreach (var (_, option) in options) command.Options.Add(option);
        command.Options.Add(constraint);
        command.SetAction(parse =>
        {
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
        if (json)
        {
            var root = new JsonObject { ["version"] = 1 };
            foreach (ConsentUse use in Enum.GetValues<ConsentUse>())
            {
                var entry = new JsonObject { ["use"] = ConsentClaims.PermissionName(claims[use]) };
                if (claims.ConstraintInfo(use) is { } info) entry["constraint_info"] = info;
                root[ConsentClaims.EntryName(use)] = entry;
            }
            Console.WriteLine(root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return;
        }
        foreach (ConsentUse use in Enum.GetValues<ConsentUse>())
        {
            string info = claims.ConstraintInfo(use) is { } text ? $" ({text})" : "";
            Console.WriteLine($"{ConsentClaims.EntryName(use),-28} {ConsentClaims.PermissionName(claims[use])}{info}");
        }
    }
}
