using System;
using System.CommandLine;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Provenance.C2pa;
using Provenance.Consent;
using Provenance.Device;
using Provenance.Artwork;

namespace Provenance.Cli;

/// <summary>`prov sign FILE --out OUTFILE`: the token signs the artwork; the signed copy gets Content Credentials.</summary>
public static class SignCommand
{
    public static Command Create(Func<string?, CancellationToken, Task<IToken>> openToken)
    {
        var file = new Argument<string>("file") { Description = "The artwork to sign (JPEG, PNG, TIFF or WebP)." };
        var output = new Option<string?>("--out", "-o") { Description = "Where to write the signed copy; the original is left untouched." };
        var inPlace = new Option<bool>("--in-place") { Description = "Replace the file with its signed version (atomically)." };
        var title = new Option<string?>("--title") { Description = "Title of the work (default: the file name)." };
        var source = new Option<string>("--source")
        {
            Description = "What the file is: camera (a photo), scan (a scan of a physical work) or tablet (a drawing made on a tablet).",
            DefaultValueFactory = _ => "scan",
        };
        source.AcceptOnlyFromAmong("camera", "scan", "tablet");
        var tsa = new Option<Uri?>("--tsa") { Description = "RFC 3161 time-stamp authority URL." };
        var device = DeviceOption();
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var command = new Command("sign", "Sign artwork with the token and embed Content Credentials.") { file, output, inPlace, title, source, tsa, device, json };
        command.Validators.Add(result =>
        {
            bool hasOut = result.GetValue(output) is not null;
            if (hasOut == result.GetValue(inPlace)) result.AddError("Give exactly one of --out FILE or --in-place.");
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            string input = parse.GetValue(file)!;
            string target = parse.GetValue(output) ?? input;
            if (!File.Exists(input)) throw new FileNotFoundException($"{input} does not exist");
            if (Path.GetFullPath(target) == Path.GetFullPath(input) && !parse.GetValue(inPlace))
                throw new ArgumentException("--out names the input file; use --in-place to replace it");

            await using IToken token = await openToken(parse.GetValue(device), cancellationToken);
            SoftwareTokenNotice.Print(token);
            var options = new ArtworkSignOptions
            {
                Title = parse.GetValue(title),
                Source = Enum.Parse<CaptureSource>(parse.GetValue(source)!, ignoreCase: true),
                Consent = ConsentStore.Load(),
                TimeStampAuthority = parse.GetValue(tsa),
            };
            ArtworkSignResult result = await ArtworkSigner.SignFileAsync(input, target, token, options, new ConsolePresencePrompt(), null, cancellationToken);
            if (parse.GetValue(json))
            {
                var node = new JsonObject
                {
                    ["version"] = 1,
                    ["input"] = result.Input,
                    ["output"] = result.Output,
                    ["format"] = result.Format,
                    ["tokenSerial"] = result.TokenSerial,
                    ["counter"] = result.Counter,
                    ["keyProtection"] = result.KeyProtection,
                    ["signer"] = result.Signer,
                    ["developmentIdentity"] = result.DevelopmentIdentity,
                    ["manifest"] = result.Manifest.ManifestLabel,
                    ["logEntryHash"] = Convert.ToHexStringLower(result.LogEntryHash),
                    ["timeStamped"] = result.Manifest.TimeStamped,
                };
                Console.WriteLine(node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                Console.WriteLine($"signed {result.Output} ({result.Format}) with token {result.TokenSerial}, signature #{result.Counter}, {VerifyCommand.KeyProtectionText(result.KeyProtection)}");
                Console.WriteLine($"  signer: {result.Signer}");
                if (result.DevelopmentIdentity)
                    Console.Error.WriteLine("note: signed under the development identity, which names no artist; run 'prov identity create' and 'prov identity enroll' to sign as yourself");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    internal static Option<string?> DeviceOption() => new("--device", "-d")
    {
        Description = "The token: a serial port (/dev/ttyUSB0, /dev/pts/N), tcp://127.0.0.1:PORT (emulator) or 'embedded'. Default: the first token found, else the embedded software token.",
    };
}

/// <summary>Says once per command that a software token is in use (DESIGN.md: labelled as such everywhere).</summary>
internal static class SoftwareTokenNotice
{
    public static void Print(IToken token)
    {
        if (token is TokenClient { SoftwareTokenNotice: { } notice }) Console.Error.WriteLine($"note: {notice}");
    }
}

/// <summary>Shows "press the button on the token" while the token waits for its button.</summary>
internal sealed class ConsolePresencePrompt : IPresencePrompt
{
    public void WaitingForPress() => Console.Error.WriteLine("press the button on the token...");

    public void Done()
    {
    }
}
