using System;
using System.CommandLine;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ProvenanceDevice.Token.Emulator;

namespace Provenance.Cli.Commands;

/// <summary>
/// `prov emulator`: runs the token emulator until Ctrl-C, on a pseudo-terminal and/or TCP, with the software key or
/// (<c>--secure-element</c>) the ATECC608B model.
/// </summary>
public sealed class EmulatorCommand : Command
{
    /// <summary>Builds the verb.</summary>
    public EmulatorCommand()
        : base("emulator", "Run the token emulator (software key, or the secure element model) until Ctrl-C; connect with --device.")
    {
        var pty = new Option<bool>("--pty") { Description = "Serve on a pseudo-terminal (/dev/pts/N), reached like a board's USB serial port. Default when --tcp is not given (Linux)." };
        var tcp = new Option<int?>("--tcp") { Description = "Serve on TCP 127.0.0.1:PORT (0 picks a free port).", HelpName = "PORT" };
        tcp.Validators.Add(result =>
        {
            int? port = result.GetValueOrDefault<int?>();
            if (port is < 0 or > 65535) result.AddError("--tcp needs a port from 0 to 65535");
        });
        var state = new Option<string?>("--state")
        {
            Description = "Folder for the emulated token's key, counter and log (default: $PROV_HOME/emulator).",
            HelpName = "DIR",
        };
        var autoPress = new Option<bool>("--auto-press") { Description = "Press the button automatically (unattended runs); otherwise Enter presses it." };
        var secureElement = new Option<bool>("--secure-element")
        {
            Description = "Run the token on the ATECC608B model (kept in the state folder) instead of the software key; "
                + "provision it with 'prov device provision'. The model protects nothing: it is for trying the secure-element path.",
        };
        var verbose = new Option<bool>("--verbose") { Description = "Print LED changes and connections on stderr." };
        Add(pty);
        Add(tcp);
        Add(state);
        Add(autoPress);
        Add(secureElement);
        Add(verbose);
        SetAction(async (parse, cancellationToken) =>
        {
            int? tcpPort = parse.GetValue(tcp);
            bool usePty = parse.GetValue(pty) || (tcpPort is null && OperatingSystem.IsLinux());
            if (!usePty && tcpPort is null) tcpPort = 0;
            string stateFolder = Path.GetFullPath(parse.GetValue(state) ?? Path.Combine(ProvPaths.Home, "emulator"));
            // The emulator's software key is a token's key too: refused when other users can read it, as prov refuses
            // the embedded token's (issue 18), with the chmod that fixes it.
            Provenance.IO.KeyFiles.EnsurePrivate(Path.Combine(stateFolder, "softkey.rec"));
            bool auto = parse.GetValue(autoPress);
            bool withChip = parse.GetValue(secureElement);
            TextWriter output = parse.InvocationConfiguration.Output;

            using var host = new EmulatorHost(new EmulatorOptions
            {
                StateFolder = stateFolder,
                AutoPress = auto,
                SecureElement = withChip,
                Verbose = parse.GetValue(verbose),
                Log = parse.InvocationConfiguration.Error,
            });
            output.WriteLine(withChip
                ? "secure element model emulator (development mode: the model keeps its key in a readable file)"
                : "software token emulator (development mode)");
            output.WriteLine("serial " + host.Serial + ", state " + stateFolder);
            if (usePty)
            {
                string path = host.StartPty();
                output.WriteLine("pty " + path + "  (prov device info --device " + path + ")");
            }
            if (tcpPort is int port)
            {
                string address = host.StartTcp(port);
                output.WriteLine("tcp " + address + "  (prov device info --device " + address + ")");
            }
            output.WriteLine(auto ? "the button presses itself (--auto-press); Ctrl-C stops" : "press Enter to press the token's button; Ctrl-C stops");
            if (!auto) StartButtonReader(host.Button, cancellationToken);

            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C: the normal way to stop.
            }
            return ExitCodes.Success;
        });
    }

    /// <summary>Every line typed on stdin presses the button; at end of input the button stays unpressed.</summary>
    private static void StartButtonReader(SimulatedButton button, CancellationToken cancellationToken)
    {
        var reader = new Thread(() =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                string? line = Console.In.ReadLine();
                if (line is null) return;
                button.Press();
            }
        })
        { IsBackground = true, Name = "emulator button" };
        reader.Start();
    }
}
