using System;
using System.Numerics;

namespace Provenance.Trust;

/// <summary>A root certificate the gallery trusts.</summary>
/// <param name="Fingerprint">Lowercase hex SHA-256 of the certificate.</param>
/// <param name="Name">The name the gallery knows it by (unique, case-insensitive).</param>
/// <param name="Subject">The certificate's subject.</param>
/// <param name="NotAfter">When the certificate expires.</param>
/// <param name="Added">When it was added to the store.</param>
/// <param name="Pem">The certificate, PEM.</param>
/// <param name="CrlNumber">The number of the newest CRL imported for it, if any.</param>
public sealed record TrustedRoot(string Fingerprint, string Name, string Subject, DateTimeOffset NotAfter, DateTimeOffset Added, string Pem, BigInteger? CrlNumber);

/// <summary>What <see cref="TrustStore.ImportCrl"/> did.</summary>
/// <param name="IssuerFingerprint">The trusted root that signed the CRL.</param>
/// <param name="IssuerName">Its name in the store.</param>
/// <param name="Number">The CRL's cRLNumber.</param>
/// <param name="RevokedCount">How many certificates it lists.</param>
/// <param name="Stored">False when the store already held a CRL with the same or a higher number (nothing changed).</param>
/// <param name="PreviousNumber">The number of the CRL held before, if any.</param>
public sealed record CrlImportResult(string IssuerFingerprint, string IssuerName, BigInteger Number, int RevokedCount, bool Stored, BigInteger? PreviousNumber);
