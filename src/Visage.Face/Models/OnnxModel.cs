using Microsoft.ML.OnnxRuntime;

namespace Visage.Face;

/// <summary>One verified ONNX model with a reusable session. <see cref="Run"/> is thread-safe.</summary>
internal sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession session;
    private readonly RunOptions runOptions = new();
    private readonly string inputName;
    private readonly long[] inputShape;

    public OnnxModel(ModelStore store, string modelId, int threads)
    {
        var entry = store.Manifest.Get(modelId);
        Version = entry.VersionId;
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        // Several small models run one after another on few cores: spinning worker threads of one session
        // would steal the core the next session needs (measured: 2-thread image-to-template 30 ms → see docs/performance.md).
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        session = new InferenceSession(store.ReadVerified(modelId), options);
        inputName = session.InputNames[0];
        inputShape = session.InputMetadata[inputName].Dimensions.Select(d => (long)Math.Max(d, 1)).ToArray();
        InputLength = (int)inputShape.Aggregate(1L, (a, b) => a * b);
    }

    public ModelVersion Version { get; }

    public int InputLength { get; }

    /// <summary>Runs the model on one input and returns every output, in the session's output order.</summary>
    public float[][] Run(float[] input)
    {
        if (input.Length != InputLength)
        {
            throw new ArgumentException($"Model {Version} expects {InputLength} input values, got {input.Length}.", nameof(input));
        }

        using var tensor = OrtValue.CreateTensorValueFromMemory(input, inputShape);
        using var outputs = session.Run(runOptions, [inputName], [tensor], session.OutputNames);
        var result = new float[outputs.Count][];
        for (var i = 0; i < outputs.Count; i++)
        {
            result[i] = outputs[i].GetTensorDataAsSpan<float>().ToArray();
        }

        return result;
    }

    public void Dispose()
    {
        session.Dispose();
        runOptions.Dispose();
    }
}
