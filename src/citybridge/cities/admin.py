from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    CandidateCity,
    City,
    DataSource,
    ExpressionOfInterest,
    IndicatorDefinition,
    IndicatorValue,
    ReportedTarget,
    SelectionRun,
)


@admin.register(City)
class CityAdmin(TranslationAdmin):
    list_display = (
        "name",
        "province",
        "country",
        "admin_level",
        "population",
        "population_area",
        "population_year",
        "size_class",
        "climate_zone",
        "merged_into",
    )
    list_filter = ("country", "admin_level", "population_area", "size_class", "climate_zone")
    raw_id_fields = ("merged_into",)
    search_fields = ("name_en", "name_zh_hans", "province_en", "province_zh_hans")


@admin.register(DataSource)
class DataSourceAdmin(TranslationAdmin):
    list_display = ("code", "name", "licence")


@admin.register(IndicatorDefinition)
class IndicatorDefinitionAdmin(TranslationAdmin):
    list_display = ("code", "name", "unit", "category", "higher_is_better", "is_derived", "default_weight")
    list_filter = ("category", "is_derived")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ("city", "indicator", "year", "value", "unit", "area", "source")
    list_filter = ("indicator", "source")
    list_select_related = ("city", "indicator", "source")
    search_fields = ("city__name_en", "city__name_zh_hans")
    raw_id_fields = ("city",)


@admin.register(ReportedTarget)
class ReportedTargetAdmin(admin.ModelAdmin):
    list_display = ("city", "target_type", "base_year", "reduction_pct", "target_year")
    list_select_related = ("city",)
    raw_id_fields = ("city",)


@admin.register(ExpressionOfInterest)
class ExpressionOfInterestAdmin(SimpleHistoryAdmin):
    list_display = ("city", "contact_name", "status", "submitted_at")
    list_filter = ("status",)
    list_select_related = ("city",)
    raw_id_fields = ("city",)


@admin.register(CandidateCity)
class CandidateCityAdmin(SimpleHistoryAdmin):
    list_display = ("city", "origin", "added_at")
    list_select_related = ("city",)
    raw_id_fields = ("city",)


@admin.register(SelectionRun)
class SelectionRunAdmin(SimpleHistoryAdmin):
    list_display = ("name", "created_at", "created_by", "feasible")
    readonly_fields = ("parameters", "result", "created_by", "feasible")
