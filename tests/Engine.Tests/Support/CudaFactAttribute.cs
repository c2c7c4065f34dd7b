namespace ClipSurgeryWeb.Engine.Tests.Support;

/// <summary>A fact that needs CUDA: skipped, with the reason, when <see cref="TestDevices.CudaSkipReason"/> says so (decided at discovery).</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (TestDevices.CudaSkipReason is { } reason)
            Skip = reason;
    }
}
