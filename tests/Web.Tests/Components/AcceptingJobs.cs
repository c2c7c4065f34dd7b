using Hangfire;
using Hangfire.Common;
using Hangfire.States;

namespace ClipSurgeryWeb.Web.Tests.Components;

/// <summary>Accepts what the launcher enqueues (numbered ids) and performs nothing: the run stays as the test sets it.</summary>
public sealed class AcceptingJobs : IBackgroundJobClient
{
    private int _next;

    public List<Job> Created { get; } = [];

    public string Create(Job job, IState state)
    {
        lock (Created)
            Created.Add(job);
        return Interlocked.Increment(ref _next).ToString();
    }

    public bool ChangeState(string jobId, IState state, string expectedState) => true;
}
