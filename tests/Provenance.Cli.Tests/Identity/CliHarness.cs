using System;
using System.CommandLine;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Cli.Commands;
using Provenance.Device;

namespace Provenance.Cli.Tests.Identity;

/// <summary>Runs the identity and trust commands in-process with captured output, a fixed password and a fake token.</summary>
internal static class CliHarness
{
    public static async Task<CliRun> RunAsync(CommandServices services, params string[] args)
    {
        var root = new RootCommand("test") { new IdentityCommand(services), new TrustCommand() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public static CommandServices Services(string password, IToken? token = null) => new()
    {
        Passwords = new FixedPassword(password),
        KeyDerivationIterations = Provenance.Identity.ArtistIdentity.MinKeyDerivationIterations,
        ResolveToken = (_, _) => token is null ? throw new TokenUnavailableException("no token in this test") : Task.FromResult(token),
    };
}

internal sealed record CliRun(int Code, string Output, string Error);

internal sealed class FixedPassword(string password) : IPasswordSource
{
    public int Asked { get; private set; }

    public string GetPassword(string prompt, bool confirm)
    {
        Asked++;
        return password;
    }
}

/// <summary>A token backed by a .NET P-256 key; with <see cref="Forge"/> it signs with another key.</summary>
internal sealed class FakeToken(string serial, bool forge = false) : IToken
{
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public bool Forge { get; } = forge;

    public bool Disposed { get; private set; }

    public string Endpoint => "fake://" + serial;

    public Task<TokenInfo> GetInfoAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new TokenInfo(serial, "fake", "0.1.0", 1, true, "secureElement", 0, true, false, false));

    public Task<byte[]> GetPublicKeyAsync(CancellationToken cancellationToken = default)
    {
        ECParameters parameters = key.ExportParameters(false);
        return Task.FromResult<byte[]>([0x04, .. parameters.Q.X!, .. parameters.Q.Y!]);
    }

    public Task<TokenSignature> SignAsync(byte[] toBeSigned, IPresencePrompt? presence, CancellationToken cancellationToken = default)
    {
        presence?.WaitingForPress();
        using ECDsa other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] signature = (Forge ? other : key).SignData(toBeSigned, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        presence?.Done();
        return Task.FromResult(new TokenSignature(signature, 1, new byte[32]));
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        key.Dispose();
        return ValueTask.CompletedTask;
    }
}
