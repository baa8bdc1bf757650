using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace Provenance.C2pa;

/// <summary>
/// The external-signer seam: the C2PA engine hands over the to-be-signed bytes (the COSE Sig_structure)
/// and gets back an ES256 signature. The engine never sees a private key; the token (or a test) does the signing.
/// </summary>
public interface IClaimSigner
{
    /// <summary>Certificate chain, leaf first, placed in the COSE protected header's x5chain.</summary>
    X509Certificate2Collection Chain { get; }

    /// <summary>Signs <paramref name="toBeSigned"/>; returns the raw r‖s signature (64 bytes for ES256).</summary>
    Task<byte[]> SignAsync(byte[] toBeSigned, CancellationToken cancellationToken);
}
