using ProvenanceDevice.Token.Protocol;

namespace ProvenanceDevice.Token
{
    /// <summary>
    /// One wire to the token (PROTOCOL.md, "Host sessions"): the board's UART, or one connection to the emulator.
    /// It owns the frame decoder and the message assembler of that wire, so frames of two wires never mix, and the
    /// host session opened on it: the PIN verification and the signing session belong to that session alone.
    /// </summary>
    public sealed class TokenLink
    {
        internal readonly FrameDecoder Decoder = new FrameDecoder();
        internal readonly MessageAssembler Assembler = new MessageAssembler();

        /// <summary>Set by OPEN_SESSION; cleared when the host session ends.</summary>
        internal bool SessionOpen;
        internal long SessionId;

        /// <summary>The PIN was verified in this host session, while the token's PIN generation was <see cref="PinGeneration"/>.</summary>
        internal bool PinVerified;
        internal int PinGeneration;

        /// <summary>A press opened a signing session in this host session, under configuration generation <see cref="SigningGeneration"/>.</summary>
        internal bool SigningOpen;
        internal int SigningSignaturesLeft;
        internal long SigningEndsMs;
        internal int SigningGeneration;
        /// <summary>
        /// The signing session was opened by BATCH: its own count and deadline (<see cref="SigningSignaturesLeft"/>,
        /// <see cref="SigningEndsMs"/>) rule it, not CONFIG's N and M, and any failed SIGN ends it.
        /// </summary>
        internal bool SigningBatch;

        /// <summary>
        /// A press for a SIGN with binding offset <see cref="CounterBinding.PairedWithNext"/> (a CAWG identity signature)
        /// also covers the next SIGN of this host session, if that one is bound and comes before <see cref="PressCarriedUntilMs"/>.
        /// </summary>
        internal bool PressCarried;
        internal long PressCarriedUntilMs;

        /// <summary>True while a host session is open on this wire.</summary>
        public bool HostSessionOpen
        {
            get { return SessionOpen; }
        }

        /// <summary>Forgets the host session: PIN verification, signing session, and any half-received message.</summary>
        internal void EndSession()
        {
            SessionOpen = false;
            PinVerified = false;
            SigningOpen = false;
            SigningBatch = false;
            SigningSignaturesLeft = 0;
            PressCarried = false;
            Assembler.Reset();
        }
    }
}
