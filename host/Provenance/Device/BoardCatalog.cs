using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json.Nodes;

namespace Provenance.Device;

/// <summary>One board of boards.json, as `prov device flash` needs it.</summary>
/// <param name="Name">The boards.json name.</param>
/// <param name="Description">What the board is.</param>
/// <param name="NanoffTarget">nanoff's --target, or null for the emulator.</param>
/// <param name="Cables">What the artist plugs in.</param>
public sealed record BoardEntry(string Name, string Description, string? NanoffTarget, string? Cables);

/// <summary>The boards of boards.json, embedded in the library at build time (the same file the firmware's constants are generated from).</summary>
public static class BoardCatalog
{
    /// <summary>The app image Visual Studio / MSBuild writes for firmware/Token.Esp32 in Release.</summary>
    public const string DefaultImage = "firmware/Token.Esp32/bin/Release/ProvenanceDevice.Token.Esp32.bin";

    /// <summary>Every board, in file order.</summary>
    public static IReadOnlyList<BoardEntry> All { get; } = Load();

    /// <summary>The board named <paramref name="name"/>, or null.</summary>
    public static BoardEntry? Find(string name) => ((List<BoardEntry>)All).Find(b => string.Equals(b.Name, name, StringComparison.Ordinal));

    /// <summary>
    /// The nanoff command lines that put nanoFramework on <paramref name="board"/> through <paramref name="port"/> (the
    /// board's own USB port, the debugger's) and then, with <paramref name="image"/>, deploy the token app.
    /// </summary>
    public static IReadOnlyList<string[]> NanoffCommands(BoardEntry board, string port, string? image)
    {
        ArgumentNullException.ThrowIfNull(board);
        ArgumentException.ThrowIfNullOrWhiteSpace(port);
        if (board.NanoffTarget is null) throw new ArgumentException(board.Name + " is not hardware: nothing to flash", nameof(board));
        var commands = new List<string[]> { new[] { "--target", board.NanoffTarget, "--serialport", port, "--update" } };
        if (image is not null) commands.Add(["--nanodevice", "--serialport", port, "--deploy", "--image", image]);
        return commands;
    }

    /// <summary>A command line as a user types it in a POSIX shell (arguments quoted when they need it).</summary>
    public static string ShellLine(string program, IEnumerable<string> arguments)
    {
        var parts = new List<string> { program };
        foreach (string a in arguments)
        {
            bool plain = a.Length > 0;
            foreach (char c in a) if (!(char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '=' or ',')) plain = false;
            parts.Add(plain ? a : "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'");
        }
        return string.Join(' ', parts);
    }

    private static List<BoardEntry> Load()
    {
        using Stream stream = typeof(BoardCatalog).Assembly.GetManifestResourceStream("Provenance.boards.json")
            ?? throw new InvalidOperationException("boards.json is not embedded in the library");
        JsonNode root = JsonNode.Parse(stream) ?? throw new InvalidDataException("boards.json is empty");
        var boards = new List<BoardEntry>();
        foreach (JsonNode? b in root["boards"]?.AsArray() ?? [])
        {
            if (b is null) continue;
            boards.Add(new BoardEntry(
                (string?)b["name"] ?? throw new InvalidDataException("a board in boards.json has no name"),
                (string?)b["description"] ?? "",
                (string?)b["nanoffTarget"],
                (string?)b["cables"]));
        }
        return boards;
    }
}
