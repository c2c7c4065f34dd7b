using ClipSurgeryWeb.Engine.Hosting;

namespace ClipSurgeryWeb.Engine.Tests.Hosting;

/// <summary>How <c>--device</c> and <c>ClipSurgery:Device</c> are read: auto, cpu, cuda, cuda:N, and what is refused.</summary>
public sealed class DevicePreferenceTests
{
    [Theory]
    [InlineData("auto", DeviceKind.Auto, 0, "auto")]
    [InlineData("CPU", DeviceKind.Cpu, 0, "cpu")]
    [InlineData("cuda", DeviceKind.Cuda, 0, "cuda:0")]
    [InlineData("gpu", DeviceKind.Cuda, 0, "cuda:0")]
    [InlineData("cuda:0", DeviceKind.Cuda, 0, "cuda:0")]
    [InlineData(" Cuda:3 ", DeviceKind.Cuda, 3, "cuda:3")]
    [InlineData("gpu:12", DeviceKind.Cuda, 12, "cuda:12")]
    public void Device_settings_parse_to_a_kind_and_a_gpu_number(string text, DeviceKind kind, int index, string spelled)
    {
        var preference = DevicePreference.Parse(text);

        Assert.Equal(kind, preference.Kind);
        Assert.Equal(index, preference.Index);
        Assert.Equal(spelled, preference.ToString());
        Assert.Equal(preference, DevicePreference.Parse(spelled));
    }

    [Theory]
    [InlineData("tpu", "is not one of auto, cpu, cuda, cuda:N")]
    [InlineData("cuda:", "must be a GPU number")]
    [InlineData("cuda:x", "must be a GPU number")]
    [InlineData("cuda:-1", "must be a GPU number")]
    [InlineData("cuda:1:2", "must be a GPU number")]
    [InlineData("cpu:0", "is not one of auto, cpu, cuda, cuda:N")]
    public void A_device_that_is_not_a_device_is_refused_naming_the_value(string text, string reason)
    {
        var e = Assert.Throws<EngineInputException>(() => DevicePreference.Parse(text));

        Assert.Equal("device", e.Subject);
        Assert.Contains($"'{text}'", e.Reason);
        Assert.Contains(reason, e.Reason);
        Assert.DoesNotContain("--", e.Message);
    }

    [Fact]
    public void The_default_preference_is_auto_everywhere_it_is_a_default()
    {
        Assert.Equal(DevicePreference.Auto, default);
        Assert.Equal(DeviceKind.Auto, new EngineOptions().Device.Kind);
        Assert.Equal(DevicePreference.Cuda, DevicePreference.CudaAt(0));
        Assert.NotEqual(DevicePreference.CudaAt(1), DevicePreference.Cuda);
        Assert.Equal(DevicePreference.Cpu, ComputeDevice.Parse("cpu"));
    }
}
