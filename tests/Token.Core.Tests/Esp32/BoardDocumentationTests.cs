using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Token.Core.Tests.SecureElement;

namespace Token.Core.Tests.Esp32;

/// <summary>Every real board of boards.json has a wiring diagram in hardware/wiring that parses and names its pins, and a section in hardware/boards.md.</summary>
public class BoardDocumentationTests
{
    private static readonly string Root = NfprojTests.FindRepositoryRoot();

    public static TheoryData<string> RealBoards() => BoardProfilesGeneratedTests.RealBoards();

    [Theory]
    [MemberData(nameof(RealBoards))]
    public void TheWiringDiagramParsesAndNamesEveryPinOfTheBoard(string boardName)
    {
        string path = Path.Combine(Root, "hardware", "wiring", boardName + ".svg");
        Assert.True(File.Exists(path), "no wiring diagram " + path);
        XDocument svg;
        using (XmlReader reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null }))
        {
            svg = XDocument.Load(reader);
        }
        Assert.Equal("{http://www.w3.org/2000/svg}svg", svg.Root!.Name.ToString());
        string text = string.Join(" ", svg.Descendants().Where(e => e.Name.LocalName is "text" or "title").Select(e => e.Value));

        var missing = Pins(boardName).Where(p => !Regex.IsMatch(text, @"\b(GPIO|G)" + p.Pin + @"\b")).Select(p => p.Function + " GPIO" + p.Pin).ToList();

        Assert.True(missing.Count == 0, boardName + ".svg does not name: " + string.Join(", ", missing));
    }

    [Theory]
    [MemberData(nameof(RealBoards))]
    public void BoardsMdHasASectionWithTheConnectionTableAndTheNanoffCommand(string boardName)
    {
        string doc = File.ReadAllText(Path.Combine(Root, "hardware", "boards.md"));
        Match section = Regex.Match(doc, @"^### " + Regex.Escape(boardName) + @"\b.*?(?=^### |\z)", RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.True(section.Success, "hardware/boards.md has no '### " + boardName + "' section");
        JsonElement board = Board(boardName);

        Assert.Contains("| Function | Pins |", section.Value);
        Assert.Contains("wiring/" + boardName + ".svg", section.Value);
        Assert.Contains("--target " + board.GetProperty("nanoffTarget").GetString(), section.Value);
    }

    private static JsonElement Board(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "boards.json"))).RootElement.GetProperty("boards").EnumerateArray()
            .Single(b => b.GetProperty("name").GetString() == name).Clone();

    private static IEnumerable<(string Function, int Pin)> Pins(string boardName)
    {
        JsonElement board = Board(boardName);
        yield return ("token TX", board.GetProperty("uart").GetProperty("txPin").GetInt32());
        yield return ("token RX", board.GetProperty("uart").GetProperty("rxPin").GetInt32());
        yield return ("SDA", board.GetProperty("i2c").GetProperty("sdaPin").GetInt32());
        yield return ("SCL", board.GetProperty("i2c").GetProperty("sclPin").GetInt32());
        yield return ("button", board.GetProperty("button").GetProperty("pin").GetInt32());
        yield return ("LED", board.GetProperty("led").GetProperty("pin").GetInt32());
    }
}
