using Hangfire;
using Hangfire.Common;
using Hangfire.States;

namespace ClipSurgeryWeb.Web.Tests.Components;

/// <summary>Component tests never reach Hangfire: a request that would be queued fails the test loudly.</summary>
public sealed class UnusedJobClient : IBackgroundJobClient
{
    public string Create(Job job, IState state) => throw new InvalidOperationException("component tests queue nothing");

    public bool ChangeState(string jobId, IState state, string expectedState) => throw new InvalidOperationException("component tests queue nothing");
}
