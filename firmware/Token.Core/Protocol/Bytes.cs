namespace ProvenanceDevice.Token.Protocol
{
    /// <summary>Small byte-array helpers the nanoFramework subset lacks.</summary>
    public static class Bytes
    {
        /// <summary>Compares in time independent of where the arrays differ (for PIN hashes); false when either is null.</summary>
        public static bool Equal(byte[] a, byte[] b)
        {
            if (a == null || b == null || a.Length != b.Length) return false;
            int difference = 0;
            for (int i = 0; i < a.Length; i++) difference |= a[i] ^ b[i];
            return difference == 0;
        }

        /// <summary>True when <paramref name="needle"/> occurs anywhere in <paramref name="haystack"/>.</summary>
        public static bool Contains(byte[] haystack, byte[] needle)
        {
            if (needle.Length == 0) return true;
            for (int i = 0; i + needle.Length <= haystack.Length; i++)
            {
                int j = 0;
                while (j < needle.Length && haystack[i + j] == needle[j]) j++;
                if (j == needle.Length) return true;
            }
            return false;
        }
    }
}
