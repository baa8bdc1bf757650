using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.IO.Ports;
using System.Threading.Tasks;
using Provenance.Device;

namespace Provenance.Cli.Commands;

/// <summary>
/// `prov device flash --board NAME --port PORT [--image FILE]`: puts nanoFramework (the board's nanoff target from
/// boards.json) and, with --image, the token app on a board through its own USB port. Runs nanoff when it is on PATH;
/// otherwise prints the exact commands and how to install it.
/// </summary>
public sealed class DeviceFlashCommand : Command
{
    /// <summary>Builds the verb.</summary>
    public DeviceFlashCommand()
        : base("flash", "Flash nanoFramework and the token app onto a board with nanoff (or print the nanoff commands when it is not installed).")
    {
        var board = new Option<string>("--board") { Description = "The board's name in boards.json (prov device flash --board list shows them).", Required = true, HelpName = "NAME" };
        var port = new Option<string>("--port") { Description = "The board's own USB port (the debugger's), e.g. /dev/ttyUSB0, /dev/ttyACM0 or COM3.", HelpName = "PORT" };
        var image = new Option<string>("--image") { Description = "The token app image to deploy after nanoFramework (" + BoardCatalog.DefaultImage + " when it exists).", HelpName = "FILE" };
        Add(board);
        Add(port);
        Add(image);
        SetAction(async (parse, cancellationToken) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            TextWriter error = parse.InvocationConfiguration.Error;
            string boardName = parse.GetValue(board)!;
            BoardEntry? entry = BoardCatalog.Find(boardName);
            if (entry is null || entry.NanoffTarget is null)
            {
                if (boardName != "list") await error.WriteLineAsync("prov device flash: no board '" + boardName + "' to flash; boards.json has:");
                foreach (BoardEntry b in BoardCatalog.All)
                {
                    if (b.NanoffTarget is not null) await (boardName == "list" ? output : error).WriteLineAsync("  " + b.Name + "  (" + b.NanoffTarget + ")  " + b.Description);
                }
                return boardName == "list" ? ExitCodes.Success : ExitCodes.Usage;
            }
            string? portName = parse.GetValue(port);
            if (string.IsNullOrWhiteSpace(portName))
            {
                await error.WriteLineAsync("prov device flash: --port is required (the board's own USB port; prov device list shows the ports)");
                return ExitCodes.Usage;
            }
            string? imagePath = parse.GetValue(image) ?? (File.Exists(BoardCatalog.DefaultImage) ? BoardCatalog.DefaultImage : null);
            if (imagePath is not null && !File.Exists(imagePath))
            {
                await error.WriteLineAsync("prov device flash: no image " + imagePath);
                return ExitCodes.NotFound;
            }
            IReadOnlyList<string[]> commands = BoardCatalog.NanoffCommands(entry, portName, imagePath);

            string? nanoff = FindOnPath("nanoff");
            if (nanoff is null)
            {
                await output.WriteLineAsync("nanoff is not installed (dotnet tool install -g nanoff). To flash " + entry.Name + ", run:");
                foreach (string[] args in commands) await output.WriteLineAsync("  " + BoardCatalog.ShellLine("nanoff", args));
                if (imagePath is null) await output.WriteLineAsync("  (then deploy the app: build firmware/Token.Esp32 and run prov device flash again with --image FILE)");
                if (entry.Cables is not null) await output.WriteLineAsync("Cables: " + entry.Cables + ".");
                return ExitCodes.NotFound;
            }

            // A port the user may not open fails inside nanoff with a stack trace; say how to fix it first.
            if (OperatingSystem.IsLinux() && File.Exists(portName) && CannotOpen(portName, out Exception? denied))
            {
                await error.WriteLineAsync("prov device flash: " + SerialAccess.Explain(portName, denied!));
                return ExitCodes.DeviceError;
            }
            foreach (string[] args in commands)
            {
                await output.WriteLineAsync("running: " + BoardCatalog.ShellLine("nanoff", args));
                int code = await RunAsync(nanoff, args, cancellationToken);
                if (code != 0)
                {
                    await error.WriteLineAsync("prov device flash: nanoff exited with " + code + " (hold the board's BOOT button while it connects if it does not answer)");
                    return ExitCodes.DeviceError;
                }
            }
            await output.WriteLineAsync("Flashed " + entry.Name + ". Cables for the token: " + entry.Cables + ".");
            return ExitCodes.Success;
        });
    }

    /// <summary>The first executable file named <paramref name="program"/> on PATH (Windows: with .exe or .cmd), or null.</summary>
    internal static string? FindOnPath(string program)
    {
        string[] names = OperatingSystem.IsWindows() ? [program + ".exe", program + ".cmd"] : [program];
        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string name in names)
            {
                string candidate = Path.Combine(folder, name);
                if (!File.Exists(candidate)) continue;
                if (OperatingSystem.IsWindows()) return candidate;
                if ((File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0) return candidate;
            }
        }
        return null;
    }

    private static bool CannotOpen(string port, out Exception? denied)
    {
        denied = null;
        try
        {
            using var probe = new SerialPort(port) { DtrEnable = false, RtsEnable = false };
            probe.Open();
            return false;
        }
        catch (UnauthorizedAccessException e)
        {
            denied = e;
            return true;
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException)
        {
            return false;  // not a permission problem: nanoff reports it in its own words
        }
    }

    private static async Task<int> RunAsync(string program, string[] args, System.Threading.CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false };
        foreach (string a in args) start.ArgumentList.Add(a);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + program);
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode;
    }
}
