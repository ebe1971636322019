using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Visage.Server.Pages;

/// <summary>
/// The data-protection key ring held in memory only: it protects nothing but the pages' antiforgery tokens, so a restart
/// voiding forms left open is better than a key lying unencrypted in a home directory.
/// </summary>
internal sealed class MemoryKeyRepository : IXmlRepository
{
    private readonly List<XElement> elements = [];
    private readonly Lock gate = new();

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (gate)
        {
            return elements.Select(e => new XElement(e)).ToList();
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        lock (gate)
        {
            elements.Add(new XElement(element));
        }
    }
}
