namespace ProvenanceDevice.Token.SecureElement
{
    /// <summary>A compressed certificate or its template cannot be turned into a certificate: <see cref="Element"/> names where.</summary>
    public class CertificateFormatException : System.Exception
    {
        public CertificateFormatException(string element, string detail)
            : base("compressed certificate, " + element + ": " + detail)
        {
            Element = element;
        }

        /// <summary>The element at fault ("signature", "issue date", "template id", ...).</summary>
        public string Element { get; }
    }
}
