using System.CommandLine;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Provenance.Fingerprint;

namespace Provenance.Cli.Commands;

/// <summary>`prov fingerprint FILE [--json]`: the ISCC Image-Code (io.iscc.v0) of an image's pixels.</summary>
public sealed class FingerprintCommand : Command
{
    public FingerprintCommand()
        : base("fingerprint", "Print the ISCC Image-Code (io.iscc.v0) of an image's pixels, the soft binding prov writes when signing.")
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A JPEG, PNG, WebP, GIF or BMP image." };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        Add(file);
        Add(json);

        SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(parseResult, cancellationToken, (output, _) =>
        {
            FileInfo path = parseResult.GetRequiredValue(file);
            if (!path.Exists) throw new FileNotFoundException("no such file: " + path.FullName);
            DecodedImage decoded = ImageDecoder.TryDecodeFile(path.FullName)
                ?? throw new InvalidDataException(path.Name + " is not an image prov can decode (JPEG, PNG, WebP, GIF, BMP; at most " + ImageDecoder.MaxPixels + " pixels)");
            IsccImageCode code = decoded.Code();
            if (parseResult.GetValue(json))
            {
                var model = new JsonObject
                {
                    ["version"] = 1,
                    ["file"] = path.FullName,
                    ["alg"] = IsccImageCode.Algorithm,
                    ["code"] = code.ToString(),
                    ["width"] = decoded.Image.Width,
                    ["height"] = decoded.Image.Height,
                };
                output.WriteLine(model.ToJsonString(JsonOutput.Options));
            }
            else
            {
                output.WriteLine(code.ToString());
            }
            return Task.FromResult(ExitCodes.Success);
        }));
    }
}
