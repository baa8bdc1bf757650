#:project ../../host/Provenance/Provenance.csproj
#:property TreatWarningsAsErrors=false
// Rendering cost against verification cost (issue 13: the table and the report must not cost more than verifying).
// Usage: dotnet run tests/load/render-bench.cs -- SIGNED_FILE
// Renders 1,000 results (the file's own result, renamed) as HTML, piped text and JSON, and verifies the file 200 times.
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Provenance.Reporting;
using Provenance.Verification;

string file = args.Length > 0 ? args[0] : throw new ArgumentException("usage: render-bench.cs SIGNED_FILE");
FileVerification one = Verifier.VerifyFile(file, TrustSettings.None);
var results = Enumerable.Range(0, 1000).Select(i => one.WithFile($"submissions/artist {i:0000}/{Path.GetFileName(file)}")).ToList();

double Time(string what, int rounds, Action action)
{
    action();
    var clock = Stopwatch.StartNew();
    for (int i = 0; i < rounds; i++) action();
    double ms = clock.Elapsed.TotalMilliseconds / rounds;
    Console.WriteLine($"{what,-34} {ms,9:0.0} ms");
    return ms;
}

int size = 0;
Time("HTML report, 1,000 files", 10, () => size = HtmlReport.Render(results, DateTimeOffset.UtcNow).Length);
Time("piped text, 1,000 files", 10, () => TextReport.Write(TextWriter.Null, results));
Time("JSON, 1,000 files", 10, () => VerificationJson.Render(results));
double verify = Time("verify the file once", 200, () => Verifier.VerifyFile(file, TrustSettings.None));
Console.WriteLine($"verifying 1,000 such files on one core: {verify * 1000:0} ms; report size {size / 1024} KB");
