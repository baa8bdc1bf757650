using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Token.Core.Tests.SecureElement;

/// <summary>boards.json is what the host reads; BoardProfile.cs is what the firmware is built with. They must agree.</summary>
public class BoardProfileTests
{
    private static readonly string Root = NfprojTests.FindRepositoryRoot();

    [Theory]
    [InlineData("esp32-devkitc", "Esp32DevKitC")]
    [InlineData("esp32-devkit-v1-ch340", "Esp32DevKitV1Ch340")]
    public void FirmwareProfileMatchesBoardsJson(string boardName, string factoryMethod)
    {
        using JsonDocument boards = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "boards.json")));
        JsonElement board = boards.RootElement.GetProperty("boards").EnumerateArray().Single(b => b.GetProperty("name").GetString() == boardName);
        string source = File.ReadAllText(Path.Combine(Root, "firmware", "Token.Esp32", "BoardProfile.cs"));
        string body = MethodBody(source, factoryMethod);
        string baseBody = body.Contains("Esp32DevKitC()") ? MethodBody(source, "Esp32DevKitC") : string.Empty;

        string Value(string field)
        {
            Match own = Regex.Match(body, @"board\." + field + @" = ([^;]+);");
            if (own.Success) return own.Groups[1].Value.Trim();
            Match inherited = Regex.Match(baseBody, @"board\." + field + @" = ([^;]+);");
            Assert.True(inherited.Success, field + " not set in " + factoryMethod);
            return inherited.Groups[1].Value.Trim();
        }

        Assert.Equal("\"" + boardName + "\"", Value("Name"));
        JsonElement uart = board.GetProperty("uart");
        Assert.Equal("\"" + uart.GetProperty("port").GetString() + "\"", Value("UartPort"));
        Assert.Equal(uart.GetProperty("txPin").GetInt32().ToString(), Value("UartTxPin"));
        Assert.Equal(uart.GetProperty("rxPin").GetInt32().ToString(), Value("UartRxPin"));
        Assert.Equal(uart.GetProperty("baud").GetInt32().ToString(), Value("UartBaud"));
        JsonElement i2c = board.GetProperty("i2c");
        Assert.Equal(i2c.GetProperty("bus").GetInt32().ToString(), Value("I2cBus"));
        Assert.Equal(i2c.GetProperty("sdaPin").GetInt32().ToString(), Value("I2cSdaPin"));
        Assert.Equal(i2c.GetProperty("sclPin").GetInt32().ToString(), Value("I2cSclPin"));
        Assert.Equal(i2c.GetProperty("address").GetString(), Value("SecureElementAddress"));
        Assert.Equal(board.GetProperty("button").GetProperty("pin").GetInt32().ToString(), Value("ButtonPin"));
        Assert.Equal(board.GetProperty("button").GetProperty("activeLevel").GetString() == "low" ? "true" : "false", Value("ButtonActiveLow"));
        Assert.Equal(board.GetProperty("led").GetProperty("pin").GetInt32().ToString(), Value("LedPin"));
        Assert.Equal(board.GetProperty("led").GetProperty("activeLevel").GetString() == "high" ? "true" : "false", Value("LedActiveHigh"));
        Assert.Equal(board.GetProperty("secureElement").GetBoolean() ? "true" : "false", Value("SecureElement"));
    }

    [Fact]
    public void EveryBoardHasTheFieldsTheHostReads()
    {
        using JsonDocument boards = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "boards.json")));
        var names = boards.RootElement.GetProperty("boards").EnumerateArray().Select(b => b.GetProperty("name").GetString()).ToList();

        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Contains("emulator", names);
        foreach (JsonElement board in boards.RootElement.GetProperty("boards").EnumerateArray())
        {
            foreach (string field in new[] { "name", "mcu", "usbBridge", "uart", "i2c", "button", "led", "secureElement" })
            {
                Assert.True(board.TryGetProperty(field, out _), board.GetProperty("name").GetString() + " lacks " + field);
            }
            Assert.Equal("0x60", board.GetProperty("i2c").GetProperty("address").GetString());
        }
    }

    private static string MethodBody(string source, string method)
    {
        int start = source.IndexOf("public static BoardProfile " + method + "()", StringComparison.Ordinal);
        Assert.True(start >= 0, method + " not found in BoardProfile.cs");
        int end = source.IndexOf("return board;", start, StringComparison.Ordinal);
        return source[start..end];
    }
}
