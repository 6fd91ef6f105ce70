<?php
// Test wiki only (tests/wiki/testwiki.sh): feed Lingo from BOTH its own glossary page
// (Lingo\BasicBackend: $wgexLingoPage) and SemanticGlossary's pages (SG\LingoBackendAdapter:
// Glossary-Term / Glossary-Definition). Lingo takes one backend; this one asks each in turn.
// SemanticGlossary never marks multi-word terms, the page backend does: the corpus puts
// those on the page (tests/wiki/vocabulary.py GLOSSARY).
class NoraTestChainedLingoBackend extends Lingo\Backend {
	private array $backends;

	public function __construct( ?Lingo\MessageLog &$messages = null ) {
		parent::__construct( $messages );
		$this->backends = [ new Lingo\BasicBackend( $messages ), new SG\LingoBackendAdapter( $messages ) ];
	}

	public function setLingoParser( Lingo\LingoParser $parser ) {
		parent::setLingoParser( $parser );
		foreach ( $this->backends as $backend ) {
			$backend->setLingoParser( $parser );
		}
	}

	public function setSearchTerms( array $terms ) {
		parent::setSearchTerms( $terms );
		foreach ( $this->backends as $backend ) {
			$backend->setSearchTerms( $terms );
		}
	}

	public function next() {
		foreach ( $this->backends as $backend ) {
			$entry = $backend->next();
			if ( $entry ) {
				return $entry;
			}
		}
		return null;
	}

	public function useCache() {
		return false;
	}
}
