using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using Token.Core.Tests.SecureElement;

namespace Token.Core.Tests.Esp32;

/// <summary>
/// boards.json is the one source of truth: the firmware's board constants (firmware/Token.Esp32/BoardProfiles.g.cs) are
/// generated from it by generate-board-profiles.py. These tests read both and fail while they disagree, so an edit of
/// boards.json without running the generator (or a hand edit of the generated file) is caught.
/// </summary>
public class BoardProfilesGeneratedTests
{
    private static readonly string Root = NfprojTests.FindRepositoryRoot();
    private static readonly string Generated = File.ReadAllText(Path.Combine(Root, "firmware", "Token.Esp32", "BoardProfiles.g.cs"));

    public static TheoryData<string> RealBoards()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement board in Boards().EnumerateArray())
        {
            if (board.GetProperty("mcu").GetString() != "host") data.Add(board.GetProperty("name").GetString()!);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RealBoards))]
    public void TheGeneratedProfileHasBoardsJsonsValues(string boardName)
    {
        JsonElement board = Boards().EnumerateArray().Single(b => b.GetProperty("name").GetString() == boardName);
        string body = ProfileBody(Generated, boardName);
        string Value(string field)
        {
            Match m = Regex.Match(body, @"board\." + field + @" = ([^;]+);");
            Assert.True(m.Success, field + " not set in the generated profile of " + boardName);
            return m.Groups[1].Value.Trim();
        }

        JsonElement uart = board.GetProperty("uart");
        JsonElement i2c = board.GetProperty("i2c");
        var expected = new Dictionary<string, string>
        {
            ["UartPort"] = "\"" + uart.GetProperty("port").GetString() + "\"",
            ["UartTxPin"] = uart.GetProperty("txPin").GetInt32().ToString(),
            ["UartRxPin"] = uart.GetProperty("rxPin").GetInt32().ToString(),
            ["UartBaud"] = uart.GetProperty("baud").GetInt32().ToString(),
            ["I2cBus"] = i2c.GetProperty("bus").GetInt32().ToString(),
            ["I2cSdaPin"] = i2c.GetProperty("sdaPin").GetInt32().ToString(),
            ["I2cSclPin"] = i2c.GetProperty("sclPin").GetInt32().ToString(),
            ["SecureElementAddress"] = i2c.GetProperty("address").GetString()!,
            ["SecureElement"] = board.GetProperty("secureElement").GetBoolean() ? "true" : "false",
            ["ButtonPin"] = board.GetProperty("button").GetProperty("pin").GetInt32().ToString(),
            ["ButtonActiveLow"] = board.GetProperty("button").GetProperty("activeLevel").GetString() == "low" ? "true" : "false",
            ["LedPin"] = board.GetProperty("led").GetProperty("pin").GetInt32().ToString(),
            ["LedActiveHigh"] = board.GetProperty("led").GetProperty("activeLevel").GetString() == "high" ? "true" : "false",
        };
        var wrong = expected.Where(e => Value(e.Key) != e.Value).Select(e => $"{e.Key}: generated {Value(e.Key)}, boards.json {e.Value}").ToList();

        Assert.True(wrong.Count == 0, boardName + " disagrees with boards.json (run firmware/Token.Esp32/generate-board-profiles.py):\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void TheGeneratedFileHasExactlyTheBoardsOfBoardsJson()
    {
        var inJson = Boards().EnumerateArray().Where(b => b.GetProperty("mcu").GetString() != "host").Select(b => b.GetProperty("name").GetString()!).ToList();
        var generated = Regex.Matches(Generated, @"board\.Name = ""([^""]+)"";").Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(inJson, generated);
    }

    [Fact]
    public void TheFirmwareIsBuiltForABoardOfBoardsJson()
    {
        string source = File.ReadAllText(Path.Combine(Root, "firmware", "Token.Esp32", "BoardProfile.cs"));
        string buildFor = Regex.Match(source, @"public const string BuildFor = ""([^""]+)"";").Groups[1].Value;

        Assert.Contains(buildFor, Regex.Matches(Generated, @"board\.Name = ""([^""]+)"";").Select(m => m.Groups[1].Value));
    }

    [Fact]
    public void EveryBoardHasTheFieldsTheHostReadsAndItsChipsAddress()
    {
        var names = Boards().EnumerateArray().Select(b => b.GetProperty("name").GetString()).ToList();

        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Contains("emulator", names);
        foreach (JsonElement board in Boards().EnumerateArray())
        {
            foreach (string field in new[] { "name", "mcu", "usbBridge", "uart", "i2c", "button", "led", "secureElement" })
            {
                Assert.True(board.TryGetProperty(field, out _), board.GetProperty("name").GetString() + " lacks " + field);
            }
            // 0x60: a blank ATECC608B the token provisions; 0x35/0x36: a pre-provisioned Trust&GO/TrustFLEX part.
            Assert.Contains(board.GetProperty("i2c").GetProperty("address").GetString(), new[] { "0x60", "0x35", "0x36" });
        }
    }

    [Fact]
    public void NoTokenFunctionSitsOnAPinTheBoardReserves()
    {
        var clashes = new List<string>();
        foreach (JsonElement board in Boards().EnumerateArray())
        {
            if (!board.TryGetProperty("reservedPins", out JsonElement reserved)) continue;
            var used = new Dictionary<string, int>
            {
                ["uart tx"] = board.GetProperty("uart").GetProperty("txPin").GetInt32(),
                ["uart rx"] = board.GetProperty("uart").GetProperty("rxPin").GetInt32(),
                ["i2c sda"] = board.GetProperty("i2c").GetProperty("sdaPin").GetInt32(),
                ["i2c scl"] = board.GetProperty("i2c").GetProperty("sclPin").GetInt32(),
                ["button"] = board.GetProperty("button").GetProperty("pin").GetInt32(),
                ["led"] = board.GetProperty("led").GetProperty("pin").GetInt32(),
            };
            foreach (JsonElement pin in reserved.EnumerateArray())
            {
                foreach (var (function, gpio) in used)
                {
                    if (gpio == pin.GetProperty("pin").GetInt32())
                    {
                        clashes.Add($"{board.GetProperty("name").GetString()}: {function} on GPIO{gpio}, reserved for {pin.GetProperty("use").GetString()}");
                    }
                }
            }
        }

        Assert.True(clashes.Count == 0, string.Join("\n", clashes));
    }

    private static JsonElement Boards() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "boards.json"))).RootElement.GetProperty("boards").Clone();

    private static string ProfileBody(string source, string boardName)
    {
        int name = source.IndexOf("board.Name = \"" + boardName + "\";", StringComparison.Ordinal);
        Assert.True(name >= 0, boardName + " has no profile in BoardProfiles.g.cs (run firmware/Token.Esp32/generate-board-profiles.py)");
        int start = source.LastIndexOf("public static BoardProfile ", name, StringComparison.Ordinal);
        int end = source.IndexOf("return board;", name, StringComparison.Ordinal);
        return source[start..end];
    }
}
