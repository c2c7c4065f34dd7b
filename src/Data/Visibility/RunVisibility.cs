using System.Linq.Expressions;

namespace ClipSurgeryWeb.Data.Visibility;

/// <summary>
/// Who may see what, written once: members see their own runs and the team's shared ones; admins see everything; an
/// image is visible to its owner, admins, and everyone who may see a run it is part of. Queries use the expression
/// (<see cref="For"/>, translated to SQL); in-memory checks (a loaded run, a live event) use the same rule compiled
/// (<see cref="Allows(bool, string, string, bool)"/>). Pages, endpoints, word records, live updates and downloads all
/// ask here, through <c>Jobs.Running.Visibility</c> where they hold a requester.
/// </summary>
public static class RunVisibility
{
    /// <summary>The rule: (the run's Shared, the run's OwnerId, the viewer's user id, whether the viewer is an admin).</summary>
    private static readonly Expression<Func<bool, string, string, bool, bool>> Rule =
        (shared, ownerId, userId, isAdmin) => isAdmin || shared || ownerId == userId;

    private static readonly Func<bool, string, string, bool, bool> Compiled = Rule.Compile();

    private static readonly ParameterExpression Run = Expression.Parameter(typeof(JobRun), "run");

    /// <summary>The runs <paramref name="userId"/> may see, as a query filter (the viewer's values travel as SQL parameters).</summary>
    public static Expression<Func<JobRun, bool>> For(string userId, bool isAdmin)
    {
        var viewer = Expression.Constant(new Viewer(userId, isAdmin));
        var body = new Substitute(new Dictionary<ParameterExpression, Expression>
        {
            [Rule.Parameters[0]] = Expression.Property(Run, nameof(JobRun.Shared)),
            [Rule.Parameters[1]] = Expression.Property(Run, nameof(JobRun.OwnerId)),
            [Rule.Parameters[2]] = Expression.Property(viewer, nameof(Viewer.UserId)),
            [Rule.Parameters[3]] = Expression.Property(viewer, nameof(Viewer.IsAdmin)),
        }).Visit(Rule.Body);
        return Expression.Lambda<Func<JobRun, bool>>(body, Run);
    }

    /// <summary>Whether <paramref name="userId"/> may see a run shared or not by <paramref name="ownerId"/> (a loaded run, a live event about one).</summary>
    public static bool Allows(bool shared, string ownerId, string userId, bool isAdmin) => Compiled(shared, ownerId, userId, isAdmin);

    public static bool Allows(JobRun run, string userId, bool isAdmin) => Allows(run.Shared, run.OwnerId, userId, isAdmin);

    /// <summary>Cancel, retry, delete: the run's owner and admins only (sharing shows a run; it does not hand it over).</summary>
    public static bool AllowsChange(string ownerId, string userId, bool isAdmin) => isAdmin || ownerId == userId;

    public static bool AllowsChange(JobRun run, string userId, bool isAdmin) => AllowsChange(run.OwnerId, userId, isAdmin);

    /// <summary>An image: its owner's, an admin's, or anyone's who may see a run it is part of.</summary>
    public static bool AllowsImage(ClipSurgeryDb db, Guid imageId, string userId, bool isAdmin) =>
        isAdmin
        || db.Images.Any(i => i.Id == imageId && i.OwnerId == userId)
        || db.RunImages.Where(ji => ji.ImageId == imageId).Select(ji => ji.Run!).Any(For(userId, isAdmin));

    /// <summary>Holds the viewer so EF Core sends its values as parameters (one cached query for every member), as a closure would.</summary>
    private sealed record Viewer(string UserId, bool IsAdmin);

    private sealed class Substitute(IReadOnlyDictionary<ParameterExpression, Expression> by) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => by.TryGetValue(node, out var e) ? e : node;
    }
}
