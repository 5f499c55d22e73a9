"""Searches as the store tests write them: parameters as keywords (`title__contains` for
`title:contains`), pages followed by the position each next page starts after."""

from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.resources.search_query import parse_search
from fhirtrial.store.repository import Repository, SearchResult
from tests.helpers import research_study


async def search(repository: Repository, resource_type: str, **params: str) -> SearchResult:
    query = parse_search(
        RESOURCE_TYPES[resource_type],
        [(name.replace("__", ":"), value) for name, value in params.items()],
        registry=RESOURCE_TYPES,
    )
    return await repository.search(query)


async def all_pages(repository: Repository, **params: str) -> list[list[str]]:
    """The ids of every page of a ResearchStudy search, following the position of each next
    page."""
    pages = []
    after = None
    while True:
        extra = {"_after": f"{after[0]:012x}.{after[1]}"} if after else {}
        result = await search(repository, "ResearchStudy", **params, **extra)
        pages.append([m["id"] for m in result.matches])
        if result.next_after is None:
            return pages
        after = result.next_after


async def created(repository: Repository, *titles: str) -> list[str]:
    """The ids of new ResearchStudies of these titles."""
    return [(await repository.create(research_study(title=title))).stored.id for title in titles]
