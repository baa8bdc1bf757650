using System;

namespace Provenance.Identity;

/// <summary>Base of every identity error; the message is one sentence fit for a terminal line.</summary>
public class IdentityException : Exception
{
    public IdentityException(string message) : base(message) { }

    public IdentityException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The password does not decrypt the root key.</summary>
public sealed class WrongPasswordException : IdentityException
{
    public WrongPasswordException(string message) : base(message) { }

    public WrongPasswordException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>No identity exists in the folder that was asked for.</summary>
public sealed class IdentityNotFoundException : IdentityException
{
    public IdentityNotFoundException(string message) : base(message) { }
}

/// <summary>An identity (or part of one) already exists where a new one was to be created.</summary>
public sealed class IdentityExistsException : IdentityException
{
    public IdentityExistsException(string message) : base(message) { }
}

/// <summary>A file of the identity folder is unreadable or inconsistent with the others.</summary>
public sealed class IdentityDamagedException : IdentityException
{
    public IdentityDamagedException(string message) : base(message) { }

    public IdentityDamagedException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The token failed enrollment: bad public key, wrong proof-of-possession signature, or unusable INFO.</summary>
public sealed class EnrollmentException : IdentityException
{
    public EnrollmentException(string message) : base(message) { }

    public EnrollmentException(string message, Exception inner) : base(message, inner) { }
}
