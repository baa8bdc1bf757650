using System.Device.Gpio;
using System.Threading;
using ProvenanceDevice.Token.Hal;

namespace ProvenanceDevice.Token.Esp32.Hal
{
    /// <summary>The status LED on a GPIO; a background thread plays the <see cref="LedPattern"/> of the current state.</summary>
    public sealed class GpioLed : IStatusLed
    {
        private const int TickMs = 25;

        private readonly GpioPin _pin;
        private readonly bool _activeHigh;
        private readonly object _lock = new object();
        private int[] _pattern = LedPattern.For(LedState.Idle);
        private long _patternStartMs;

        public GpioLed(GpioController gpio, int pinNumber, bool activeHigh)
        {
            _pin = gpio.OpenPin(pinNumber, PinMode.Output);
            _activeHigh = activeHigh;
            Thread thread = new Thread(Run);
            thread.Start();
        }

        public void Show(int state)
        {
            lock (_lock)
            {
                _pattern = LedPattern.For(state);
                _patternStartMs = System.Environment.TickCount64;
            }
        }

        private void Run()
        {
            while (true)
            {
                bool on;
                lock (_lock)
                {
                    on = LedPattern.IsOn(_pattern, System.Environment.TickCount64 - _patternStartMs);
                }
                _pin.Write(on == _activeHigh ? PinValue.High : PinValue.Low);
                Thread.Sleep(TickMs);
            }
        }
    }
}
