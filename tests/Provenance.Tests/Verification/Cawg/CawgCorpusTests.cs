using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Provenance.C2pa;
using Provenance.Tests.TestSupport;
using Provenance.Verification;
using Provenance.Verification.Cawg;
using Xunit.Abstractions;

namespace Provenance.Tests.Verification.Cawg;

/// <summary>
/// The 32 CAWG identity files of the c2pa-rs corpus (`../shared/fixtures/c2pa-rs-corpus`, `rs__identity__*`), and the
/// other files c2pa-rs gives CAWG codes: prov's verdict matches c2pa-rs 0.91.3's state, and the problem codes prov
/// reports are exactly those c2pa-rs lists.
/// </summary>
public class CawgCorpusTests(ITestOutputHelper output)
{
    /// <summary>`../shared/fixtures/c2pa-rs-corpus`, found beside `shared/fixtures/c2pa` above the test binaries.</summary>
    private static string CorpusDirectory()
    {
        string fixtures = TestAssets.FixturesDirectory() ?? throw new DirectoryNotFoundException("shared/fixtures/c2pa was not found above " + AppContext.BaseDirectory);
        return Path.Combine(Path.GetDirectoryName(fixtures)!, "c2pa-rs-corpus");
    }

    public static TheoryData<string, string, string> IdentityFiles()
    {
        var data = new TheoryData<string, string, string>();
        foreach (string line in File.ReadLines(Path.Combine(CorpusDirectory(), "verdicts.tsv")).Skip(1))
        {
            string[] columns = line.Split('\t');
            // The identity files, and any other file whose c2pa-rs codes are CAWG codes (CAWG test data with an X.509 identity).
            if (columns.Length >= 3 && (columns[0].StartsWith("rs__identity__", StringComparison.Ordinal) || columns[2].Contains("cawg.", StringComparison.Ordinal)))
                data.Add(columns[0], columns[1], columns[2]);
        }
        return data;
    }

    [Fact]
    public void TheCorpusHasThe32IdentityFiles() =>
        Assert.Equal(32, File.ReadLines(Path.Combine(CorpusDirectory(), "verdicts.tsv")).Count(line => line.StartsWith("rs__identity__", StringComparison.Ordinal)));

    [Theory]
    [MemberData(nameof(IdentityFiles))]
    public void IdentityFileAgreesWithC2paRs(string file, string state, string failureCodes)
    {
        FileVerification result = Verifier.VerifyFile(Path.Combine(CorpusDirectory(), file), TrustSettings.None);
        output.WriteLine($"{file}: {result.Verdict} [{string.Join(", ", result.Codes)}] {result.Reason}");
        foreach (IdentityFacts identity in result.Identities) output.WriteLine("  identity: " + identity.Summary);

        Verdict expected = state switch
        {
            "Valid" => Verdict.Valid,
            "Invalid" => Verdict.Invalid,
            _ => throw new InvalidOperationException($"unexpected c2pa-rs state {state}"),
        };
        Assert.Equal(expected, result.Verdict);
        string[] theirs = failureCodes == "-" ? [] : failureCodes.Split(',');
        Assert.Equal(theirs.Order(StringComparer.Ordinal), ProblemCodes(result).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void VerifiedIdentitiesAreInTheJson()
    {
        FileVerification success = Verifier.VerifyFile(Path.Combine(CorpusDirectory(), "rs__identity__claim_aggregation__ica_validation__success.jpg"), TrustSettings.None);
        FileVerification adobe = Verifier.VerifyFile(Path.Combine(CorpusDirectory(), "rs__identity__claim_aggregation__adobe_connected_identities.jpg"), TrustSettings.None);
        using var json = System.Text.Json.JsonDocument.Parse(Provenance.Reporting.VerificationJson.Render([success, adobe]));
        System.Text.Json.JsonElement files = json.RootElement.GetProperty("files");

        System.Text.Json.JsonElement verified = files[0].GetProperty("identities")[0];
        Assert.Equal(CawgCodes.IcaSigType, verified.GetProperty("credentialType").GetString());
        Assert.True(verified.GetProperty("verified").GetBoolean());
        Assert.False(verified.GetProperty("issuerTrusted").GetBoolean());
        Assert.StartsWith("did:jwk:", verified.GetProperty("issuer").GetString());
        Assert.Equal(4, verified.GetProperty("verifiedIdentities").GetArrayLength());
        Assert.Equal("Example Social Network @username (Silly Cats 929)", verified.GetProperty("verifiedIdentities")[2].GetProperty("words").GetString());

        System.Text.Json.JsonElement offline = files[1].GetProperty("identities")[0];
        Assert.False(offline.GetProperty("verified").GetBoolean());
        Assert.Equal("behance", offline.GetProperty("verifiedIdentities")[0].GetProperty("provider").GetProperty("name").GetString());
        Assert.Equal([CawgCodes.IcaDidUnavailable], offline.GetProperty("codes").EnumerateArray().Select(c => c.GetString()));
    }

    /// <summary>
    /// The codes c2pa-rs would list among its failures: prov's failure codes, plus the CAWG codes c2pa-rs logs as
    /// failures but scopes to the identity (so they do not fail the manifest), plus `signingCredential.untrusted`.
    /// </summary>
    private static IEnumerable<string> ProblemCodes(FileVerification result) =>
        result.Codes.Where(code => ValidationCodes.IsFailure(code) || code == ValidationCodes.SigningCredentialUntrusted
            || (code.StartsWith("cawg.", StringComparison.Ordinal) && !CawgSuccessOrInformational.Contains(code))).Distinct();

    private static readonly HashSet<string> CawgSuccessOrInformational =
    [
        CawgCodes.WellFormed, CawgCodes.X509SignatureValidated, CawgCodes.X509CredentialTrusted, CawgCodes.IcaCredentialValid,
        CawgCodes.IcaTimeStampValidated, CawgCodes.IcaUntrustedIssuer, CawgCodes.CborInvalid,
    ];
}
