using Visage.Workflows.Recognition;

namespace Visage.Workflows.Tests.Recognition;

public sealed class RecognitionOptionsValidationTests
{
    [Theory]
    [InlineData(EnrolmentTemplate.PerImage)]
    [InlineData(EnrolmentTemplate.Mean)]
    public void Validate_KnownEnrolmentTemplate_Passes(EnrolmentTemplate template) =>
        Assert.True(new RecognitionOptionsValidation("Recognition").Validate(null, new RecognitionOptions { EnrolmentTemplate = template }).Succeeded);

    [Fact]
    public void Validate_UndefinedEnrolmentTemplate_NamesTheSetting()
    {
        var result = new RecognitionOptionsValidation("Recognition").Validate(null, new RecognitionOptions { EnrolmentTemplate = (EnrolmentTemplate)7 });

        Assert.Contains("Recognition:EnrolmentTemplate must be PerImage or Mean", result.FailureMessage, StringComparison.Ordinal);
    }
}
