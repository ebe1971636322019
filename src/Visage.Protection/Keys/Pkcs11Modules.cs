using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Visage.Protection;

/// <summary>
/// The PKCS#11 modules loaded in this process. C_Initialize/C_Finalize and the user login are per process (per
/// token), not per session, so every provider opened on one module shares one initialised library and one login
/// per token; the last provider to close logs out and finalises. Without this, disposing one provider would
/// finalise the library, or log out the token, under another.
/// </summary>
internal static class Pkcs11Modules
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, LoadedModule> Loaded = new(StringComparer.Ordinal);
    private static int resolverRegistered;

    /// <summary>
    /// Pkcs11Interop 5.x P/Invokes dlopen from "libdl"; since glibc 2.34 (Debian 12) that library exists only as
    /// libdl.so.2, so the default probe fails. A resolver can be set only once per assembly, hence the flag.
    /// </summary>
    internal static void EnsureNativeResolver()
    {
        if (Interlocked.Exchange(ref resolverRegistered, 1) != 0)
        {
            return;
        }

        try
        {
            NativeLibrary.SetDllImportResolver(typeof(CKA).Assembly, ResolveLibdl);
        }
        catch (InvalidOperationException)
        {
            // Someone else in the process already set a resolver for Pkcs11Interop; theirs stands.
        }
    }

    /// <summary>Opens a read-write session on the token labelled <see cref="Pkcs11Options.TokenLabel"/>, logged in as the user.</summary>
    internal static TokenSession OpenSession(Pkcs11Options options)
    {
        EnsureNativeResolver();
        lock (Gate)
        {
            var module = Load(options.LibraryPath);
            try
            {
                var slot = FindSlot(module, options);
                var session = slot.OpenSession(SessionType.ReadWrite);
                try
                {
                    Login(module, slot.SlotId, session, options);
                }
                catch
                {
                    session.Dispose();
                    throw;
                }

                module.Users++;
                return new TokenSession(module, slot.SlotId, session);
            }
            catch (Pkcs11Exception ex)
            {
                throw new KeyProviderException(
                    $"PKCS#11 token '{options.TokenLabel}' cannot be opened: {ex.Method} returned {ex.RV}. Check that the HSM is reachable and the token is initialised.",
                    ex);
            }
            finally
            {
                if (module.Users == 0)
                {
                    Unload(module);
                }
            }
        }
    }

    private static LoadedModule Load(string libraryPath)
    {
        if (!Path.IsPathFullyQualified(libraryPath))
        {
            // A bare name would be resolved through the loader's search path, which an attacker may influence.
            throw new KeyProviderException(
                $"PKCS#11 library path '{libraryPath}' is not absolute. Set LibraryPath to the full path of the HSM vendor's PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so.");
        }

        if (!File.Exists(libraryPath))
        {
            throw new KeyProviderException(
                $"PKCS#11 library {libraryPath} does not exist. Install the HSM vendor's client (for SoftHSM: apt-get install softhsm2) or correct LibraryPath.");
        }

        // Two paths to one file (a symlink) load one native module, which can be initialised only once.
        var key = new FileInfo(libraryPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(libraryPath);
        if (Loaded.TryGetValue(key, out var loaded))
        {
            return loaded;
        }

        var factories = new Pkcs11InteropFactories();
        IPkcs11Library library;
        try
        {
            library = factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, libraryPath, AppType.MultiThreaded);
        }
        catch (Exception ex) when (ex is UnmanagedException or Pkcs11Exception or DllNotFoundException or BadImageFormatException or EntryPointNotFoundException)
        {
            throw new KeyProviderException(
                $"PKCS#11 library {libraryPath} cannot be loaded ({ex.Message}). Check that it is the vendor's PKCS#11 module for this architecture and that its configuration is readable.",
                ex);
        }

        var module = new LoadedModule(key, factories, library);
        Loaded.Add(key, module);
        return module;
    }

    private static ISlot FindSlot(LoadedModule module, Pkcs11Options options)
    {
        var slots = module.Library.GetSlotList(SlotsType.WithTokenPresent);
        var labels = new List<string>();
        var matches = new List<ISlot>();
        foreach (var slot in slots)
        {
            var label = slot.GetTokenInfo().Label;
            labels.Add(label);
            if (string.Equals(label, options.TokenLabel, StringComparison.Ordinal))
            {
                matches.Add(slot);
            }
        }

        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new KeyProviderException(
                $"No PKCS#11 token labelled '{options.TokenLabel}' in {options.LibraryPath}; tokens present: " +
                (labels.Count == 0 ? "none" : string.Join(", ", labels.Select(l => $"'{l}'"))) +
                ". Correct TokenLabel or initialise the token (for SoftHSM: softhsm2-util --init-token --free --label <label>)."),
            _ => throw new KeyProviderException(
                $"{matches.Count} PKCS#11 tokens are labelled '{options.TokenLabel}' in {options.LibraryPath}; refusing to guess which holds the keys. Relabel or remove the extra tokens."),
        };
    }

    private static void Login(LoadedModule module, ulong slotId, ISession session, Pkcs11Options options)
    {
        var pinHash = SHA256.HashData(Encoding.UTF8.GetBytes(options.UserPin));
        if (module.Logins.TryGetValue(slotId, out var login))
        {
            // The token is already logged in for this process, so C_Login would only say so; compare the PIN
            // with the one that succeeded, so a wrong PIN is refused whether or not another provider is open.
            if (!CryptographicOperations.FixedTimeEquals(pinHash, login.PinHash))
            {
                throw WrongPin(options, CKR.CKR_PIN_INCORRECT, null);
            }

            login.Sessions++;
            return;
        }

        try
        {
            session.Login(CKU.CKU_USER, options.UserPin);
        }
        catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_PIN_INCORRECT or CKR.CKR_PIN_INVALID or CKR.CKR_PIN_LEN_RANGE or CKR.CKR_PIN_EXPIRED)
        {
            throw WrongPin(options, ex.RV, ex);
        }
        catch (Pkcs11Exception ex) when (ex.RV == CKR.CKR_PIN_LOCKED)
        {
            throw new KeyProviderException(
                $"The user PIN of PKCS#11 token '{options.TokenLabel}' is locked after too many wrong attempts. The token's security officer must unlock or reset it.",
                ex);
        }
        catch (Pkcs11Exception ex) when (ex.RV == CKR.CKR_USER_PIN_NOT_INITIALIZED)
        {
            throw new KeyProviderException(
                $"PKCS#11 token '{options.TokenLabel}' has no user PIN yet. The token's security officer must set one (C_InitPIN).",
                ex);
        }

        module.Logins.Add(slotId, new TokenLogin(pinHash));
    }

    // The message names the token, never the PIN.
    private static KeyProviderException WrongPin(Pkcs11Options options, CKR rv, Exception? inner)
    {
        var message = $"PKCS#11 token '{options.TokenLabel}' rejected the user PIN ({rv}). Correct UserPin; repeated wrong PINs can lock the token.";
        return inner is null ? new KeyProviderException(message) : new KeyProviderException(message, inner);
    }

    private static void Release(TokenSession token)
    {
        lock (Gate)
        {
            var module = token.Module;
            var login = module.Logins[token.SlotId];
            if (--login.Sessions == 0)
            {
                module.Logins.Remove(token.SlotId);
                try
                {
                    token.Session.Logout();
                }
                catch (Pkcs11Exception)
                {
                    // Closing the last session logs the token out anyway.
                }
            }

            try
            {
                token.Session.Dispose();
            }
            finally
            {
                if (--module.Users == 0)
                {
                    Unload(module);
                }
            }
        }
    }

    private static void Unload(LoadedModule module)
    {
        Loaded.Remove(module.Key);
        module.Library.Dispose();
    }

    private static IntPtr ResolveLibdl(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        string.Equals(libraryName, "libdl", StringComparison.Ordinal) && OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libdl.so.2", out var handle)
            ? handle
            : IntPtr.Zero;

    internal sealed class LoadedModule(string key, Pkcs11InteropFactories factories, IPkcs11Library library)
    {
        public string Key { get; } = key;

        public Pkcs11InteropFactories Factories { get; } = factories;

        public IPkcs11Library Library { get; } = library;

        public int Users { get; set; }

        public Dictionary<ulong, TokenLogin> Logins { get; } = [];
    }

    internal sealed class TokenLogin(byte[] pinHash)
    {
        public byte[] PinHash { get; } = pinHash;

        public int Sessions { get; set; } = 1;
    }

    /// <summary>One logged-in session on one token. Not thread-safe: the owner serialises calls.</summary>
    internal sealed class TokenSession(LoadedModule module, ulong slotId, ISession session) : IDisposable
    {
        private int disposed;

        public LoadedModule Module { get; } = module;

        public ulong SlotId { get; } = slotId;

        public ISession Session { get; } = session;

        public Pkcs11InteropFactories Factories => Module.Factories;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                Release(this);
            }
        }
    }
}
