using System;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;

namespace Provenance.Cli.Tests.EndToEnd;

/// <summary>`prov device config` and `prov device attest` against the embedded token, each call its own process.</summary>
public sealed class DeviceConfigAttestTests : IDisposable
{
    private readonly ProvRunner _prov = ProvRunner.WithTempHome();

    public void Dispose()
    {
        try { Directory.Delete(_prov.Home, recursive: true); } catch (IOException) { }
    }

    private async Task<JsonElement> JsonOf(params string[] args)
    {
        ProvResult result = await _prov.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.Stdout).RootElement;
    }

    [Fact]
    public async Task SessionSettingsPersistOnTheTokenAndAttestationNamesItsKey()
    {
        JsonElement before = await JsonOf("device", "config", "--json");
        Assert.Equal(0, before.GetProperty("sessionSignatures").GetInt32());

        await JsonOf("device", "config", "--session-signatures", "3", "--session-minutes", "10", "--json");
        JsonElement after = await JsonOf("device", "config", "--json");
        Assert.Equal(3, after.GetProperty("sessionSignatures").GetInt32());
        Assert.Equal(10, after.GetProperty("sessionMinutes").GetInt32());
        Assert.Equal(before.GetProperty("pressTimeoutSeconds").GetInt32(), after.GetProperty("pressTimeoutSeconds").GetInt32());

        ProvResult outOfRange = await _prov.RunAsync("device", "config", "--session-minutes", "100000");
        Assert.Equal(2, outOfRange.ExitCode);

        JsonElement attest = await JsonOf("device", "attest", "--json");
        JsonElement info = await JsonOf("device", "info", "--json");
        Assert.Equal("software", attest.GetProperty("keyProtection").GetString());
        Assert.Equal(info.GetProperty("serial").GetString(), attest.GetProperty("serial").GetString());
        Assert.Equal(info.GetProperty("publicKey").GetString(), attest.GetProperty("publicKey").GetString());
        Assert.Equal("", attest.GetProperty("certificateChain").GetString());
    }
}
