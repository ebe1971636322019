using System.ComponentModel.DataAnnotations;

namespace Visage.Protection;

/// <summary>Where the hardware key provider finds its token.</summary>
/// <param name="LibraryPath">Absolute path of the vendor's PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so.</param>
/// <param name="TokenLabel">Label the token was initialised with.</param>
/// <param name="UserPin">The token's user (CKU_USER) PIN.</param>
public sealed record Pkcs11Options(
    [property: Required] string LibraryPath,
    [property: Required] string TokenLabel,
    [property: Required] string UserPin)
{
    // The compiler-generated record ToString prints every property; the PIN must never reach a log.
    public override string ToString() =>
        $"{nameof(Pkcs11Options)} {{ {nameof(LibraryPath)} = {LibraryPath}, {nameof(TokenLabel)} = {TokenLabel}, {nameof(UserPin)} = *** }}";
}
