using System;
using System.Formats.Cbor;
using Provenance.C2pa;

namespace Provenance.Tests.C2pa;

/// <summary>
/// What makes the protocol 3 SIGN (the token sees only the tail of the Sig_structure) safe on the verifier's side: a
/// counter is read from a claim only when the field name occurs once in the whole claim, and a claim with a duplicate
/// map key is malformed, so no reader can be pointed at a field the token did not check.
/// </summary>
public sealed class ClaimBindingHardeningTests
{
    private static Claim Bound(long counter, string? title = null) => new()
    {
        Title = title,
        InstanceId = "xmp:iid:1",
        SignatureUri = "self#jumbf=c2pa.signature",
        Assertions = [new HashedUri("self#jumbf=c2pa.assertions/c2pa.hash.data", new byte[32])],
        TokenBinding = new ClaimTokenBinding("EMU-1", counter),
    };

    [Fact]
    public void AClaimWithTheBindingOnceStatesTheCounter()
    {
        Claim read = Claim.Decode(Bound(7).Encode(), Claim.LabelV2);
        Assert.Equal(new ClaimTokenBinding("EMU-1", 7), read.TokenBinding);
    }

    [Fact]
    public void ASecondCopyOfTheFieldNameAnywhereInTheClaimDropsTheCounter()
    {
        // A protocol 3 token never sees the bytes before the binding's block: a copy of the name there (here as a
        // title, a text string with the same bytes) must cost the claim its counter, as it would have cost the signature.
        Claim twice = Bound(7, title: "org.provenancedevice.token");
        Claim read = Claim.Decode(twice.Encode(), Claim.LabelV2);
        Assert.Null(read.TokenBinding);
    }

    [Fact]
    public void ADuplicateMapKeyMakesTheClaimMalformed()
    {
        var writer = new CborWriter(CborConformanceMode.Lax);
        writer.WriteStartMap(5);
        writer.WriteTextString("instanceID");
        writer.WriteTextString("xmp:iid:1");
        writer.WriteTextString("claim_generator_info");
        writer.WriteStartMap(1);
        writer.WriteTextString("name");
        writer.WriteTextString("another tool");
        writer.WriteEndMap();
        writer.WriteTextString("signature");
        writer.WriteTextString("self#jumbf=c2pa.signature");
        writer.WriteTextString("created_assertions");
        writer.WriteStartArray(0);
        writer.WriteEndArray();
        writer.WriteTextString("claim_generator_info");
        writer.WriteStartMap(1);
        writer.WriteTextString("name");
        writer.WriteTextString("prov");
        writer.WriteEndMap();
        writer.WriteEndMap();

        var e = Assert.Throws<FormatException>(() => Claim.Decode(writer.Encode(), Claim.LabelV2));
        Assert.Contains("claim_generator_info twice", e.Message, StringComparison.Ordinal);
    }
}
