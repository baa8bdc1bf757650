using System;
using System.Collections.Generic;
using System.IO;
using Provenance.Fingerprint;

namespace Provenance.Tests.Fingerprint;

public sealed class IsccImageCodeTests
{
    public static TheoryData<string, string> FixtureRows()
    {
        var data = new TheoryData<string, string>();
        // All 60 rows, the CCITT Group 4 scan (rs__TUSCANY.TIF, decoded by LibTiff.NET) among them.
        foreach ((string file, string code, _) in IsccFixtures.Rows()) data.Add(file, code);
        return data;
    }

    [Theory]
    [MemberData(nameof(FixtureRows))]
    public void Fixture_images_get_their_reference_code(string file, string expected)
    {
        DecodedImage decoded = ImageDecoder.TryDecodeFile(IsccFixtures.PathOf(file)) ?? throw new InvalidDataException(file + " did not decode");
        IsccImageCode code = decoded.Code();
        int distance = code.DistanceTo(IsccImageCode.Parse(expected));
        Assert.True(distance == 0, $"{file}: {code} differs from {expected} in {distance} bits");
    }
}

public sealed class IsccImageCodeUnitTests
{
    public static TheoryData<string> VectorNames()
    {
        var data = new TheoryData<string>();
        foreach (System.Text.Json.JsonElement v in Vectors()) data.Add(v.GetProperty("name").GetString()!);
        return data;
    }

    private static IEnumerable<System.Text.Json.JsonElement> Vectors()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "iscc-core", "image-vectors.json");
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(path));
        var list = new List<System.Text.Json.JsonElement>();
        foreach (System.Text.Json.JsonElement v in doc.RootElement.GetProperty("vectors").EnumerateArray()) list.Add(v.Clone());
        return list;
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Iscc_core_test_vectors_pass(string name)
    {
        System.Text.Json.JsonElement vector = default;
        foreach (System.Text.Json.JsonElement v in Vectors()) if (v.GetProperty("name").GetString() == name) vector = v;
        var pixels = new List<byte>();
        foreach (System.Text.Json.JsonElement p in vector.GetProperty("pixels").EnumerateArray()) pixels.Add(p.GetByte());
        byte[] digest = IsccImageCode.SoftHash(pixels.ToArray(), vector.GetProperty("bits").GetInt32());
        Assert.Equal(vector.GetProperty("iscc").GetString(), IsccImageCode.Encode(digest));
    }

    [Fact]
    public void Codes_round_trip_and_foreign_units_are_refused()
    {
        var code = new IsccImageCode(0x93C3_5E8C_7A81_F0D1);
        Assert.StartsWith("ISCC:EEA", code.ToString(), StringComparison.Ordinal);
        Assert.Equal(code, IsccImageCode.Parse(code.ToString()));
        Assert.Equal(code, IsccImageCode.Parse(code.ToString()[5..].ToLowerInvariant()));
        // A 128-bit Image-Code, a Data-Code (main type 3) and junk are not 64-bit Image-Codes.
        Assert.False(IsccImageCode.TryParse("ISCC:EEBYAAAAAAAAAAAAAAAAAAAAAAAAA", out _));
        Assert.False(IsccImageCode.TryParse("ISCC:GAAQAAAAAAAAAAAA", out _));
        Assert.False(IsccImageCode.TryParse("ISCC:EEA!AAAAAAAAAAAA", out _));
        Assert.Equal(64, code.DistanceTo(new IsccImageCode(~code.Hash)));
        Assert.Equal(1, code.DistanceTo(new IsccImageCode(code.Hash ^ 0x10)));
    }

    [Fact]
    public void Bicubic_resize_keeps_flat_images_flat_and_same_size_images_unchanged()
    {
        var flat = new byte[100 * 70];
        Array.Fill(flat, (byte)200);
        Assert.All(PillowResample.Bicubic(flat, 100, 70, 32, 32), v => Assert.Equal(200, v));

        var ramp = new byte[32 * 32];
        for (int i = 0; i < ramp.Length; i++) ramp[i] = (byte)(i * 7);
        Assert.Equal(ramp, PillowResample.Bicubic(ramp, 32, 32, 32, 32));
    }

    [Fact]
    public void Bicubic_downscale_of_a_hard_edge_matches_pillow()
    {
        // Pillow 9.4: Image.frombytes("L", (64, 1), 32 × 0 + 32 × 255).resize((32, 1), BICUBIC).
        var edge = new byte[64];
        for (int x = 32; x < 64; x++) edge[x] = 255;
        byte[] expected = new byte[32];
        for (int x = 17; x < 32; x++) expected[x] = 255;
        expected[15] = 17;
        expected[16] = 238;
        Assert.Equal(expected, PillowResample.Bicubic(edge, 64, 1, 32, 1));
    }

    [Theory]
    // Pillow 9.4, pixel (x, y) = (3x² + 7y + xy) mod 256, resized to 32×32 with BICUBIC: a downscale in both
    // directions, and a downscale across with an upscale down.
    [InlineData(100, 70, "Cj+Vcn10kI6BkXhtarObSpKMg3Njd2hve29tWXl9e4gbWKN8kIdtd4aTb45fPU+PiYqHjXd8g4KJfIF0iIaOeC10lHt7jnqFf2x/V7qnsW14gYiEhnyfdYmFgnyHi3Z3P41/j4xyiW6AhHZ8TUNRhHB7f3qNf42KiIOEgoqCh3NRonB+cohriYCTd7OMdKWRgn6NjoV+eHmCf5qLc394jGWmc5OMj5h5eHiRU6GybYWfdX9vbnxjiYZ1l4mBcn15ea9wdYx1aIaDjJKXT09/gI2HkHl3hol1f4Nse4F3gIqQmnmLdpGVfpCBbKG7u5lsgY9/gnaDmol8fVlviJx9bqKDdml8cWt+g3CaUVFYb4Zxe5KIlX6CgHd4XXmGiYqbs2aWiH+RjH9/g2utd5Ctd3eFfJGNZW56c4Nzhn2Fc3uzZnx+coJnenuJZIDJhWmdknVxk4eXcH6Ch4CAeXuKlbNgnHiLdYByf2+rXU1dnoSFe3+VhIuXh4B/e3tufmV5tXGEiW+WgHGCg4O8r61gc3OJdnp8aoWCc3+Ce4+JimqQd4J3fFl/h32MaEpPUn1igoJxa3aSg3OHl5mLhnaHcIGBj4yWlYmAhF2gdWejaYiEinN1mJWHfo+UkYN5g3mAW4ZqcmNzdYd8fWLEwIh2dol1dH19doOGhYuJeIuBkHJomIWLf3mVjYCgaj9EenltgpB1eYRkfnl7lYR/i3JvkkV7im2YmoWIi1y0k5+XbpCCinZ9i394cHafc4J5kY9rVJltgWVse3WMeFese1SFe4qAdoxygo2Ij5iDcn2JgYRmlI6OiJd+fXqnZTxenWt5lYx3eY1nd3qGkIONjXGDjXVyhmmcgYuDhmG8sapriI1+gneIi3yIboORcnaBmoZbiY14f2F1eYuaZVOASH5ugIl+eYZoiIV+nJd2fn1/e5qEhIaKk5Z/jWymY0+SfXx5l310e4VnbISSkIuCh3SJbIpqcmiFb4V8c23JwqNsfohzdXqCfHuIgI2PeouElXSXoniFcWKMi3qaVU1RYHtzhYNvd3h4hnZzl39uhWtqh4+TjYiXlX55eHasY3KgV4t+iWR8kZB3gI2Ph3x0enpvWXl2a4mOdXSXa5PLtF6Od4CEfnRrcnF6gn2DjYiZc3mYkmiEYG95d3KVOW1LfZx/c3qadIKNinaCfINydHdjdm2mgpSLlIOFdZiUY5GuenyKjIp0boV9foyCinCJZ3R2knSZZqWHeXaMTsPLmmeXgIaUjnyCYXOXd3SNdYCDl4aPanRuX3N/fId7SUtKj256gY+Li3tzjYRiZ4mEcpuBemJ9eo93lXONeLdyZaFvh3ttdX6BloGFhWBuhpBzgXugfQ==")]
    [InlineData(20, 45, "AgMFCxIcKThIXHGJpsPBmD0+dKS9t3VapGQFQZLSgDcLDBAWHyo3RlhsgpzA3FoANmOMy50VNoLFgiNgs/ikWhUXHCMsOEZWaX6Vrtj+fR1Qe6fwxjxXofCrRZKRPWWPHiEnLzlGVWZ6kKnMxZVXPGmbu6R7U4Osmnlpvao4d7coKzI7RlRjdoqgu/KyECJcg7rOQhlpsrEoNIzVv16k5TI2PkdUYnOGm7fKvoQwQ3Oa2vZrP4bX3ldppDspfJ+sO0BJVGFvgZWr0tU4AD1ii7uiaVFrpodhWpPDVEqjTwRFS1RgbX6Qpbzq9VodU3mk24QSSZPGWxZnwfF7bMZ7Nk9VYGx7jJ+31LyFRDpojrz7qTdnruSBQJChj3Sb9KRaWV9reIiZrcjuhgIqWX2xs1Q8VYnC65Rht3kadYpLbI1janaFlai82v+nIUFtks3ALSlyuJYhQZDlqEiglytzuG10gZGitdfPd0g4WYCn4tdMRovXtTdmkmRWbMu/VZ3idn+Nna/E9torE01xncNjGkFxo8SjU4+gIDSPw7d5ost/iJmpwdWqcDA2X4Oy2GUVVJezMxNmuMNKZqc4NJlPComTpLXS51sAKlFylcn4gy5rr81TNILEymSHx2BcvHg3k52wweP/ehM+YoWxv6ppTITO83JXpUsRX731hYLsolydp7raul4zLVBzl9CcDSlvqJFbVX/BZi6HhmR8el12jKeyxu6oCBJDY4Wq5LQvRofHehFQpuyKTq13IYaFHW25sbzR/LshJVJzlrz9z0Ran+GaNXeUeGJ10J5Mra1LmOC6yNzssC42YoOyx2Q3UX6x3qBPnYULP5fWrGy3uG2s4sTe30MENFJylMjXSh5kp6UgI2+/pTVzkCBDiigqj1ETzezyUxFBYIGk3PJlNnm8ujg6iN/FUI6tPmGpSUuxdDfc17lLJE9wkrnNwGRPjtveU1egwqpqudlggcxqc+KfXPWGABhAXX6k1n0GOHenkGpThLE3JYJ/a2au85hmcICL/ZUOJ0xrjbTmkyJOkMBQB1aly1pMokUSfm87gW8Qabn/pxozWXqbxv+sNWKj1W8qb8PxeGe+bD2jdimSmkGU4E4+KkVmh7e4Y0JMerryiEKRgE1XkuKMWr+XT7vCY7H0ABM4VXSWzLsjHGKWt716X7FwEF2dtYV/7cRuobGLTCISJENggaPayz0zc7iOCzGCyo0ziXoKTJF+iYkmMqZwNRwuTm2NsPHnUESGyqYrS5vtrkyhmTF3myhWrlRdypVdJjhZeZ/CsYhOXpneukBqn5Z4asC1TpS7U3/PdoP3voIvQmSFsNRXAkV6qvDNVIqcGCeG385osNdxne6jaVyMsg==")]
    public void Bicubic_resize_of_a_pattern_matches_pillow_exactly(int width, int height, string expectedBase64)
    {
        var pattern = new byte[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                pattern[y * width + x] = (byte)((x * x * 3 + y * 7 + x * y) % 256);
        Assert.Equal(Convert.FromBase64String(expectedBase64), PillowResample.Bicubic(pattern, width, height, 32, 32));
    }

    [Fact]
    public void Orientation_six_turns_stored_pixels_clockwise()
    {
        // Stored 3 wide × 2 high, pixel value = index; upright it is 2 wide × 3 high.
        var pixels = new byte[3 * 2 * 4];
        for (int i = 0; i < 6; i++) pixels[i * 4] = (byte)i;
        RgbaImage upright = ImageNormalizer.Transpose(new RgbaImage(3, 2, pixels), ExifOrientation.Rotate90);
        Assert.Equal((2, 3), (upright.Width, upright.Height));
        var red = new List<byte>();
        for (int i = 0; i < 6; i++) red.Add(upright.Pixels[i * 4]);
        // Rotating [[0,1,2],[3,4,5]] clockwise gives [[3,0],[4,1],[5,2]].
        Assert.Equal(new byte[] { 3, 0, 4, 1, 5, 2 }, red.ToArray());
    }

    [Fact]
    public void Transparency_becomes_white_and_a_uniform_border_is_trimmed()
    {
        // Pillow 9.4 pastes these three pixels on white as (255,255,255), (10,20,30), (132,137,142).
        Assert.Equal(new byte[] { 255, 255, 255, 10, 20, 30, 132, 137, 142 },
            ImageNormalizer.OnWhite(new RgbaImage(3, 1, [0, 0, 0, 0, 10, 20, 30, 255, 10, 20, 30, 128])));
        // 4×3 white with one dark pixel at (2,1): the box is that pixel.
        var rgb = new byte[4 * 3 * 3];
        Array.Fill(rgb, (byte)255);
        rgb[(1 * 4 + 2) * 3] = 0;
        Assert.Equal((2, 1, 1, 1), ImageNormalizer.TrimBox(rgb, 4, 3));
        Array.Fill(rgb, (byte)255);
        Assert.Equal((0, 0, 4, 3), ImageNormalizer.TrimBox(rgb, 4, 3));
    }

    [Fact]
    public void Bytes_that_are_no_image_are_not_decoded()
    {
        using var stream = new MemoryStream(System.Text.Encoding.ASCII.GetBytes("not an image at all, just text"));
        Assert.Null(ImageDecoder.TryDecode(stream));
        using var truncated = new MemoryStream(TestSupport.TestAssets.SmallJpeg()[..200]);
        Assert.Null(ImageDecoder.TryDecode(truncated));
    }
}
