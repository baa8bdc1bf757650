using ProvenanceDevice.Token.Esp32.Hal;
using ProvenanceDevice.Token.Hal;

namespace Token.Core.Tests.Esp32;

public class Esp32LogicTests
{
    [Fact]
    public void BouncyPressCountsOnceAfterItSettles()
    {
        var debouncer = new ButtonDebouncer();
        debouncer.Reset();
        long t = 0;
        for (; t < 50; t += 5) Assert.False(debouncer.Sample(false, t));   // released
        bool[] bounce = { true, false, true, false, true };
        foreach (bool level in bounce) Assert.False(debouncer.Sample(level, t += 2));

        int presses = 0;
        for (int i = 0; i < 40; i++)
        {
            if (debouncer.Sample(true, t += 5)) presses++;
        }

        Assert.Equal(1, presses);
    }

    [Fact]
    public void ButtonHeldBeforeThePromptIsNotAPress()
    {
        var debouncer = new ButtonDebouncer();
        debouncer.Reset();

        for (long t = 0; t < 500; t += 5) Assert.False(debouncer.Sample(true, t));
    }

    [Fact]
    public void ShortGlitchIsNotAPress()
    {
        var debouncer = new ButtonDebouncer();
        debouncer.Reset();
        long t = 0;
        for (; t < 50; t += 5) debouncer.Sample(false, t);

        Assert.False(debouncer.Sample(true, t += 5));
        Assert.False(debouncer.Sample(true, t += 10));
        for (int i = 0; i < 20; i++) Assert.False(debouncer.Sample(false, t += 5));
    }

    [Fact]
    public void LedPatternsDifferByStateAndRepeat()
    {
        int[] waiting = LedPattern.For(LedState.WaitingForPress);
        Assert.True(LedPattern.IsOn(waiting, 0));
        Assert.False(LedPattern.IsOn(waiting, 200));
        Assert.True(LedPattern.IsOn(waiting, 300 + 10));
        Assert.True(LedPattern.IsOn(LedPattern.For(LedState.Signing), 123456));
        Assert.False(LedPattern.IsOn(LedPattern.For(LedState.Idle), 1000));
        Assert.True(LedPattern.IsOn(LedPattern.For(LedState.Error), 200));
        Assert.False(LedPattern.IsOn(LedPattern.For(LedState.Error), 600));
        Assert.False(LedPattern.IsOn(LedPattern.For(99), 0));
    }
}
