namespace Visage.Deid.Batch;

/// <summary>One file to de-identify: its full path, its path relative to the input folder ('/'-separated) and size.</summary>
internal sealed record InputFile(string FullPath, string RelativePath, long Bytes);
