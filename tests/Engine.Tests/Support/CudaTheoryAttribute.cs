namespace ClipSurgeryWeb.Engine.Tests.Support;

/// <summary>A theory that needs CUDA: skipped, with the reason, when <see cref="TestDevices.CudaSkipReason"/> says so (decided at discovery).</summary>
public sealed class CudaTheoryAttribute : TheoryAttribute
{
    public CudaTheoryAttribute()
    {
        if (TestDevices.CudaSkipReason is { } reason)
            Skip = reason;
    }
}
