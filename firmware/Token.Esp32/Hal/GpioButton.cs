using System.Device.Gpio;
using System.Threading;
using ProvenanceDevice.Token.Hal;

namespace ProvenanceDevice.Token.Esp32.Hal
{
    /// <summary>The user-presence button on a GPIO, polled every few milliseconds through <see cref="ButtonDebouncer"/>.</summary>
    public sealed class GpioButton : IButton
    {
        private const int PollMs = 5;

        private readonly GpioPin _pin;
        private readonly bool _activeLow;
        private readonly ButtonDebouncer _debouncer = new ButtonDebouncer();

        public GpioButton(GpioController gpio, int pinNumber, bool activeLow)
        {
            _pin = gpio.OpenPin(pinNumber, activeLow ? PinMode.InputPullUp : PinMode.InputPullDown);
            _activeLow = activeLow;
        }

        public bool WaitForPress(int timeoutMs)
        {
            _debouncer.Reset();
            long start = System.Environment.TickCount64;
            while (true)
            {
                long now = System.Environment.TickCount64;
                bool pressed = (_pin.Read() == PinValue.High) != _activeLow;
                if (_debouncer.Sample(pressed, now)) return true;
                if (now - start >= timeoutMs) return false;
                Thread.Sleep(PollMs);
            }
        }
    }
}
