namespace ClipSurgeryWeb.Engine.Batch;

/// <summary>What <see cref="RunAllFolders.Process"/> did with one image: made its folder, or found it finished already.</summary>
public sealed record RunAllOutcome(string ImagePath, string Folder, bool Skipped, RunAllIndex Index);
