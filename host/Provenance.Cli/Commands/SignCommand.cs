using System;
using System.CommandLine;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Artwork;
using Provenance.C2pa;
using Provenance.Consent;
using Provenance.Device;
using Provenance.Formats;
using Provenance.IO;

namespace Provenance.Cli.Commands;

/// <summary>`prov sign FILE --out OUTFILE`: the token signs the artwork; the signed copy gets Content Credentials.</summary>
public sealed class SignCommand : Command
{
    private readonly Argument<string> _file = new("file") { Description = "The artwork to sign (JPEG, PNG, TIFF or WebP; any other file gets a .c2pa sidecar)." };
    private readonly Option<string?> _output = new("--out", "-o") { Description = "Where to write the signed copy; the original is left untouched." };
    private readonly Option<bool> _inPlace = new("--in-place") { Description = "Replace the file with its signed version (atomically)." };
    private readonly Option<bool> _force = new("--force") { Description = "Replace an --out file that already exists (without it, an existing file is left as it is)." };
    private readonly Option<string?> _title = new("--title") { Description = "Title of the work (default: the file name)." };
    private readonly Option<string> _source = new("--source")
    {
        Description = "What the file is: camera (a photo), scan (a scan of a physical work) or tablet (a drawing made on a tablet).",
        DefaultValueFactory = _ => "scan",
    };
    private readonly Option<Uri?> _tsa = new("--tsa") { Description = "RFC 3161 time-stamp authority URL." };
    private readonly Option<string?> _device = DeviceSession.CreateDeviceOption();
    private readonly Option<bool> _json = new("--json") { Description = "Print the result as JSON." };

    public SignCommand()
        : base("sign", "Sign artwork with the token and embed Content Credentials.")
    {
        _source.AcceptOnlyFromAmong("camera", "scan", "tablet");
        Arguments.Add(_file);
        foreach (Option option in new Option[] { _output, _inPlace, _force, _title, _source, _tsa, _device, _json }) Options.Add(option);
        Validators.Add(result =>
        {
            if ((result.GetValue(_output) is not null) == result.GetValue(_inPlace)) result.AddError("Give exactly one of --out FILE or --in-place.");
        });
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        string input = parse.GetValue(_file)!;
        string target = parse.GetValue(_output) ?? input;
        if (Path.GetFullPath(target) == Path.GetFullPath(input) && !parse.GetValue(_inPlace))
            throw new ArgumentException("--out names the input file; use --in-place to replace it");
        // Temp files a killed prov left where this one writes (DESIGN: nothing lost, nothing left behind).
        string targetFolder = Path.GetDirectoryName(Path.GetFullPath(target)) ?? ".";
        if (TempFiles.RemoveAbandoned(targetFolder).Describe(targetFolder) is { } cleaned) Console.Error.WriteLine("note: " + cleaned);
        // A folder, FIFO or device named like an image, or bytes that are not the format the name says, are refused
        // before the token is involved.
        IAssetHandler? handler = ArtworkSigner.EnsureSignable(input);
        if (!parse.GetValue(_inPlace))
        {
            // Before the token is involved: nothing the artist did not ask for is replaced, and the format is kept.
            ArtworkSigner.EnsureOutputKeepsFormat(input, target, handler);
            if (!parse.GetValue(_force)) ArtworkSigner.EnsureOutputFree(target, handler);
        }

        await using DeviceSession session = await DeviceSession.OpenAsync(parse.GetValue(_device), Console.Error, cancellationToken);
        await session.EnsurePinVerifiedAsync(await session.Token.GetStatusAsync(cancellationToken), cancellationToken);
        var options = new ArtworkSignOptions
        {
            Title = parse.GetValue(_title),
            Source = Enum.Parse<CaptureSource>(parse.GetValue(_source)!, ignoreCase: true),
            Consent = ConsentStore.Load(),
            TimeStampAuthority = parse.GetValue(_tsa),
            Overwrite = parse.GetValue(_force),
        };
        ArtworkSignResult result = await ArtworkSigner.SignFileAsync(input, target, session.Token, options, session.Presence, null, cancellationToken);
        if (parse.GetValue(_json))
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
    }
}
