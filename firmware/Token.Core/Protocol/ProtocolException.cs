namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>
    /// A message or payload broke the wire protocol. <see cref="Code"/> is the <see cref="ErrorCode"/> the token
    /// answers with; the message names the field and offset that was wrong.
    /// </summary>
    public class ProtocolException : System.Exception
    {
        /// <summary>The <see cref="ErrorCode"/> value describing the failure.</summary>
        public readonly int Code;

        /// <summary>Creates the exception with an <see cref="ErrorCode"/> and a reason naming what was wrong.</summary>
        public ProtocolException(int code, string reason) : base(reason)
        {
            Code = code;
        }
    }
}
