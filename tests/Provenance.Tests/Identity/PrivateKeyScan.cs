using System;
using System.Text;

namespace Provenance.Tests.Identity;

/// <summary>Looks for a private key in bytes a user or gallery will see: PEM private-key labels, the raw scalar, its hex and base64.</summary>
internal static class PrivateKeyScan
{
    public static void AssertAbsent(byte[] content, byte[] scalar, string where)
    {
        string text = Encoding.Latin1.GetString(content);
        Assert.False(text.Contains("PRIVATE KEY", StringComparison.Ordinal), where + " contains a PEM private key");
        Assert.False(content.AsSpan().IndexOf(scalar) >= 0, where + " contains the raw private scalar");
        Assert.False(text.Contains(Convert.ToHexString(scalar), StringComparison.OrdinalIgnoreCase), where + " contains the private scalar in hex");
        Assert.False(text.Contains(Convert.ToBase64String(scalar), StringComparison.Ordinal), where + " contains the private scalar in base64");
    }
}
