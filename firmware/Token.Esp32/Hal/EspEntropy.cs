using System;
using ProvenanceDevice.Token.Hal;

namespace ProvenanceDevice.Token.Esp32.Hal
{
    /// <summary>
    /// Random bytes when no secure element is fitted (development mode only): System.Random, which the
    /// ESP32 port of nanoFramework seeds from the chip's hardware RNG. Boards with an ATECC608B use
    /// SecureElementEntropy instead.
    /// </summary>
    public sealed class EspEntropy : IEntropy
    {
        private readonly Random _random = new Random();

        public void Fill(byte[] buffer)
        {
            _random.NextBytes(buffer);
        }
    }
}
