using System;

namespace Provenance.Trust;

/// <summary>A trust store request was refused (not a CA, duplicate, unknown root, unverifiable CRL); the message is one terminal line.</summary>
public class TrustStoreException : Exception
{
    public TrustStoreException(string message) : base(message) { }

    public TrustStoreException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The trust store file exists but is not a readable prov trust store; it is left untouched.</summary>
public sealed class TrustStoreCorruptException : TrustStoreException
{
    public TrustStoreCorruptException(string message) : base(message) { }

    public TrustStoreCorruptException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>No trusted root matches the name or fingerprint given.</summary>
public sealed class TrustedRootNotFoundException : TrustStoreException
{
    public TrustedRootNotFoundException(string message) : base(message) { }
}
