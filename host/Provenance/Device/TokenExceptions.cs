using System;
using ProvenanceDevice.Token.Protocol;

namespace Provenance.Device;

/// <summary>The token could not be reached: nothing at the endpoint, no reply in time, or the line dropped.</summary>
public sealed class TokenUnavailableException : Exception
{
    /// <summary>Creates the exception with a one-line message that names the endpoint.</summary>
    public TokenUnavailableException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and the I/O error behind it.</summary>
    public TokenUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Required by the exception pattern; prefer the constructors with a message.</summary>
    public TokenUnavailableException() : base("the token is unavailable")
    {
    }
}

/// <summary>The token answered with an ERROR reply (PROTOCOL.md "Errors").</summary>
public sealed class TokenErrorException : Exception
{
    /// <summary>Creates the exception from the token's error code and reason.</summary>
    public TokenErrorException(int code, string reason)
        : base("token error " + ErrorReply.NameOf(code) + (string.IsNullOrEmpty(reason) ? "" : ": " + reason))
    {
        Code = code;
        CodeName = ErrorReply.NameOf(code);
        Reason = reason;
    }

    /// <summary>Required by the exception pattern; prefer the constructor with a code.</summary>
    public TokenErrorException() : this(ErrorCode.Internal, "")
    {
    }

    /// <summary>Required by the exception pattern; prefer the constructor with a code.</summary>
    public TokenErrorException(string message) : base(message)
    {
        Code = ErrorCode.Internal;
        CodeName = ErrorReply.NameOf(ErrorCode.Internal);
        Reason = message;
    }

    /// <summary>Required by the exception pattern; prefer the constructor with a code.</summary>
    public TokenErrorException(string message, Exception innerException) : base(message, innerException)
    {
        Code = ErrorCode.Internal;
        CodeName = ErrorReply.NameOf(ErrorCode.Internal);
        Reason = message;
    }

    /// <summary>The <see cref="ErrorCode"/> value.</summary>
    public int Code { get; }

    /// <summary>The code's name as PROTOCOL.md spells it ("NoKey", "WrongPin").</summary>
    public string CodeName { get; }

    /// <summary>The token's ASCII reason.</summary>
    public string Reason { get; }
}

/// <summary>The token's reply broke the protocol (short payload, wrong type): a firmware or transport bug.</summary>
public sealed class MalformedTokenReplyException : Exception
{
    /// <summary>Creates the exception naming what was wrong.</summary>
    public MalformedTokenReplyException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception naming what was wrong and the parse error behind it.</summary>
    public MalformedTokenReplyException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Required by the exception pattern; prefer the constructors with a message.</summary>
    public MalformedTokenReplyException() : base("malformed reply from the token")
    {
    }
}

/// <summary>The token's signature does not verify over the bytes sent with the key its certificate names; nothing was written.</summary>
public sealed class TokenSignatureMismatchException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public TokenSignatureMismatchException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public TokenSignatureMismatchException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Required by the exception pattern; prefer the constructors with a message.</summary>
    public TokenSignatureMismatchException() : base("the token's signature does not verify; nothing was written")
    {
    }
}
