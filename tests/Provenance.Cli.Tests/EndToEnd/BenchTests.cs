using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;

namespace Provenance.Cli.Tests.EndToEnd;

/// <summary>`prov bench` runs every benchmark beside its reference and reports ratios (no timing thresholds here).</summary>
public sealed class BenchTests
{
    [Fact]
    public async Task ReportsEveryBenchmarkWithItsReferenceAndRatio()
    {
        ProvRunner prov = ProvRunner.WithTempHome();
        ProvResult result = await prov.RunAsync("bench", "--size-mb", "1", "--files", "2", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        JsonElement root = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal("version", root.EnumerateObject().First().Name);
        JsonElement[] results = root.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(5, results.Length);
        foreach (JsonElement r in results)
        {
            Assert.False(string.IsNullOrEmpty(r.GetProperty("reference").GetString()));
            double ratio = r.GetProperty("ratio").GetDouble();
            Assert.Equal(r.GetProperty("oursSeconds").GetDouble() / r.GetProperty("referenceSeconds").GetDouble(), ratio, 6);
        }
        Assert.Contains(results, r => r.GetProperty("name").GetString()!.StartsWith("sign 1 MB", System.StringComparison.Ordinal));
    }
}
