namespace Visage.Gallery.Scanning;

/// <summary>
/// The k best distinct subjects by a value, keeping each subject's maximum over its templates.
/// </summary>
/// <remarks>
/// Used twice per search: over lower bounds, where its minimum is a score the k-th best subject is sure to reach
/// (so a template whose upper bound is below it cannot enter the top k), and over rescored scores for the result.
/// A min-heap indexed by subject: offers below the minimum are rejected in O(1), the rest cost O(log k).
/// </remarks>
internal sealed class SubjectTopK
{
    private readonly Guid[] subjects;
    private readonly float[] values;
    private readonly int[] slots;
    private readonly Dictionary<Guid, int> heapIndex;

    public SubjectTopK(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        subjects = new Guid[k];
        values = new float[k];
        slots = new int[k];
        heapIndex = new Dictionary<Guid, int>(Math.Min(k, 1024));
    }

    public int Count { get; private set; }

    public bool IsFull => Count == values.Length;

    /// <summary>The k-th best value, or −∞ until k subjects have been seen.</summary>
    public float Minimum => IsFull ? values[0] : float.NegativeInfinity;

    public void Offer(Guid subject, float value, int slot)
    {
        if (IsFull && value <= values[0])
        {
            return;
        }

        if (heapIndex.TryGetValue(subject, out var index))
        {
            if (value > values[index])
            {
                values[index] = value;
                slots[index] = slot;
                SiftDown(index);
            }

            return;
        }

        if (IsFull)
        {
            heapIndex.Remove(subjects[0]);
            Place(0, subject, value, slot);
            SiftDown(0);
            return;
        }

        Place(Count, subject, value, slot);
        Count++;
        SiftUp(Count - 1);
    }

    /// <summary>The kept subjects, best first, with the slot that gave each its value.</summary>
    public (Guid Subject, float Value, int Slot)[] ToSortedArray()
    {
        var result = new (Guid Subject, float Value, int Slot)[Count];
        for (var i = 0; i < Count; i++)
        {
            result[i] = (subjects[i], values[i], slots[i]);
        }

        Array.Sort(result, static (x, y) => y.Value.CompareTo(x.Value));
        return result;
    }

    private void Place(int index, Guid subject, float value, int slot)
    {
        subjects[index] = subject;
        values[index] = value;
        slots[index] = slot;
        heapIndex[subject] = index;
    }

    private void SiftUp(int index)
    {
        while (index > 0)
        {
            var parent = (index - 1) / 2;
            if (values[parent] <= values[index])
            {
                return;
            }

            Swap(index, parent);
            index = parent;
        }
    }

    private void SiftDown(int index)
    {
        while (true)
        {
            var smallest = index;
            var left = (2 * index) + 1;
            var right = left + 1;
            if (left < Count && values[left] < values[smallest])
            {
                smallest = left;
            }

            if (right < Count && values[right] < values[smallest])
            {
                smallest = right;
            }

            if (smallest == index)
            {
                return;
            }

            Swap(index, smallest);
            index = smallest;
        }
    }

    private void Swap(int i, int j)
    {
        (subjects[i], subjects[j]) = (subjects[j], subjects[i]);
        (values[i], values[j]) = (values[j], values[i]);
        (slots[i], slots[j]) = (slots[j], slots[i]);
        heapIndex[subjects[i]] = i;
        heapIndex[subjects[j]] = j;
    }
}
