using System.Text;

namespace Visage.Storage;

/// <summary>
/// Associated data for wrapping: binds a wrapped subject data key to its subject and key id, and a wrapped
/// transform key to its version, so a wrapped key copied onto another row fails to unwrap.
/// </summary>
internal static class KeyBindings
{
    public static byte[] SubjectKey(Guid subjectId, Guid keyId) => Encoding.ASCII.GetBytes($"visage/subject-key|{subjectId:N}|{keyId:N}");

    public static byte[] TransformKey(int version) => Encoding.ASCII.GetBytes($"visage/transform-key|{version}");
}
