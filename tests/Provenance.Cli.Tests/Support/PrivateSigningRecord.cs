using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace Provenance.Cli.Tests.Support;

/// <summary>
/// In-process signing (ArtworkSigner, TokenEnrollment) keeps each signature in the artist's signing record, by default
/// under the user's own prov home: this test run gets a record of its own, so tests never write to the user's data.
/// Child prov processes get their PROV_HOME (and so their record) from ProvRunner/ChildProcess.
/// </summary>
internal static class PrivateSigningRecord
{
    [ModuleInitializer]
    internal static void Use()
    {
        if (Environment.GetEnvironmentVariable(Provenance.Artwork.SigningRecord.PathVariable) is { Length: > 0 }) return;
        string folder = Path.Combine(Path.GetTempPath(), "prov-test-record-" + Environment.ProcessId);
        Environment.SetEnvironmentVariable(Provenance.Artwork.SigningRecord.PathVariable, Path.Combine(folder, "signing-record.db"));
    }
}
