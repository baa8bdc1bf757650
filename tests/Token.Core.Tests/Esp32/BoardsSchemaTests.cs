using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Token.Core.Tests.SecureElement;

namespace Token.Core.Tests.Esp32;

/// <summary>boards.json follows hardware/boards.schema.json (JSON Schema 2020-12), and no board wires two functions to one pin.</summary>
public class BoardsSchemaTests
{
    private static readonly string Root = NfprojTests.FindRepositoryRoot();
    private static readonly string SchemaText = File.ReadAllText(Path.Combine(Root, "hardware", "boards.schema.json"));
    private static readonly string BoardsText = File.ReadAllText(Path.Combine(Root, "boards.json"));
    // Built once: the library registers a schema by its $id and refuses a second registration.
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(SchemaText));

    [Fact]
    public void TheSchemaIsAValidJsonSchema()
    {
        using JsonDocument schema = JsonDocument.Parse(SchemaText);

        EvaluationResults result = MetaSchemas.Draft202012.Evaluate(schema.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, "hardware/boards.schema.json is not a valid 2020-12 schema:\n" + Errors(result));
    }

    [Fact]
    public void BoardsJsonFollowsTheSchema()
    {
        EvaluationResults result = Validate(BoardsText);

        Assert.True(result.IsValid, "boards.json does not follow hardware/boards.schema.json:\n" + Errors(result));
    }

    public static TheoryData<string, string> Mistakes() => new()
    {
        // what a hand edit gets wrong, as (JSON path to change, new value in JSON; "DELETE" removes it)
        { "boards/0/uart/txpin", "17" },                  // misspelt key (txPin) would be ignored by a lenient reader
        { "boards/0/usbIds/0", "\"10c4-ea60\"" },          // not VID:PID upper-case hex
        { "boards/0/button/activeLevel", "\"LOW\"" },
        { "boards/0/secureElement", "DELETE" },
        { "boards/0/uart/port", "\"UART1\"" },             // nanoFramework names UARTs COM1..COM3
        { "boards/0/uart/txPin", "-1" },                   // a real board needs a real pin
        { "boards/0/debugUart", "DELETE" },                // a real board must say which UART the debugger owns
        { "boards/0/i2c/address", "\"0xC0\"" },            // the 8-bit form of 0x60
        { "boards/0/mcu", "\"ESP8266\"" },
        { "boards/2/uart/port", "\"COM2\"" },              // the emulator talks over a pty or TCP
        { "version", "2" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void TheSchemaRejectsACommonMistake(string path, string value)
    {
        JsonNode boards = JsonNode.Parse(BoardsText)!;
        Assert.True(Validate(boards.ToJsonString()).IsValid, "the unchanged boards.json must pass first");
        string[] steps = path.Split('/');
        JsonNode parent = steps.Take(steps.Length - 1).Aggregate(boards, (node, step) => int.TryParse(step, out int i) ? node[i]! : node[step]!);
        string last = steps[^1];
        if (value == "DELETE") parent.AsObject().Remove(last);
        else if (int.TryParse(last, out int index)) parent[index] = JsonNode.Parse(value);
        else parent[last] = JsonNode.Parse(value);

        Assert.False(Validate(boards.ToJsonString()).IsValid, $"boards.json with {path} = {value} should not pass the schema");
    }

    [Fact]
    public void NoBoardWiresTwoFunctionsToOnePin()
    {
        using JsonDocument boards = JsonDocument.Parse(BoardsText);
        var clashes = new List<string>();
        foreach (JsonElement board in boards.RootElement.GetProperty("boards").EnumerateArray())
        {
            var pins = new Dictionary<int, string>();
            foreach (var (owner, pin) in Pins(board))
            {
                if (pin < 0) continue;
                if (pins.TryGetValue(pin, out string? other)) clashes.Add($"{board.GetProperty("name").GetString()}: GPIO{pin} is both {other} and {owner}");
                else pins[pin] = owner;
            }
            if (board.TryGetProperty("debugUart", out JsonElement debug) && debug.GetProperty("port").GetString() == board.GetProperty("uart").GetProperty("port").GetString())
                clashes.Add($"{board.GetProperty("name").GetString()}: the token's UART is the debugger's");
        }

        Assert.True(clashes.Count == 0, string.Join("\n", clashes));
    }

    [Fact]
    public void ThePinCheckSeesAClash()
    {
        JsonNode boards = JsonNode.Parse(BoardsText)!;
        boards["boards"]![0]!["led"]!["pin"] = boards["boards"]![0]!["uart"]!["txPin"]!.GetValue<int>();
        using JsonDocument changed = JsonDocument.Parse(boards.ToJsonString());

        JsonElement board = changed.RootElement.GetProperty("boards")[0];
        Assert.Contains(Pins(board).GroupBy(p => p.Pin), g => g.Key >= 0 && g.Count() > 1);
    }

    private static IEnumerable<(string Owner, int Pin)> Pins(JsonElement board)
    {
        JsonElement uart = board.GetProperty("uart");
        yield return ("uart TX", uart.GetProperty("txPin").GetInt32());
        yield return ("uart RX", uart.GetProperty("rxPin").GetInt32());
        JsonElement i2c = board.GetProperty("i2c");
        yield return ("I2C SDA", i2c.GetProperty("sdaPin").GetInt32());
        yield return ("I2C SCL", i2c.GetProperty("sclPin").GetInt32());
        yield return ("button", board.GetProperty("button").GetProperty("pin").GetInt32());
        yield return ("LED", board.GetProperty("led").GetProperty("pin").GetInt32());
        if (board.TryGetProperty("debugUart", out JsonElement debug))
        {
            if (debug.TryGetProperty("txPin", out JsonElement tx)) yield return ("debugger TX", tx.GetInt32());
            if (debug.TryGetProperty("rxPin", out JsonElement rx)) yield return ("debugger RX", rx.GetInt32());
        }
    }

    private static EvaluationResults Validate(string boardsJson)
    {
        using JsonDocument instance = JsonDocument.Parse(boardsJson);
        return Schema.Value.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static string Errors(EvaluationResults result) => string.Join("\n",
        (result.Details ?? new List<EvaluationResults>())
            .Where(d => d.Errors != null && !d.EvaluationPath.ToString().Contains("/if", StringComparison.Ordinal))   // an if that does not hold is no error
            .SelectMany(d => d.Errors!.Select(e => $"  {d.InstanceLocation}: {e.Key}: {e.Value}")));
}
